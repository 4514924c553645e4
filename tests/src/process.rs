//! The binaries a test runs and the child processes it starts, stops and kills.

use super::*;

/// Path of the `rmeshd` binary (see the crate docs for the search order).
pub fn rmeshd_bin() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("RMESHD_BIN") {
        let p = PathBuf::from(p);
        ensure!(p.is_file(), "RMESHD_BIN={} does not exist", p.display());
        return Ok(p);
    }
    let mut candidates = Vec::new();
    if let Some(t) = std::env::var_os("CARGO_TARGET_DIR") {
        candidates.push(PathBuf::from(t).join("release/rmeshd"));
    }
    // <target>/<profile>/deps/<test binary>
    if let Some(target) = std::env::current_exe()
        .ok()
        .and_then(|e| Some(e.parent()?.parent()?.parent()?.to_path_buf()))
    {
        candidates.push(target.join("release/rmeshd"));
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/rmeshd"));
    candidates.iter().find(|p| p.is_file()).cloned().ok_or_else(|| {
        anyhow!(
            "rmeshd binary not found (looked at {candidates:?}); build it with `cargo build --release -p rmeshd` or set RMESHD_BIN"
        )
    })
}

/// Path of the `cometbft` binary (see the crate docs for the search order).
pub fn cometbft_bin() -> Result<PathBuf> {
    find_tool("cometbft", "COMETBFT_BIN", &["go/bin"])
}

/// Path of the `hermes` relayer: `HERMES_BIN`, `PATH`, then `~/.cargo/bin`.
/// Path of CometBFT's `abci-cli`: `ABCI_CLI_BIN`, `PATH`, then `~/go/bin`.
pub fn abci_cli_bin() -> Result<PathBuf> {
    find_tool("abci-cli", "ABCI_CLI_BIN", &["go/bin"])
}

pub fn hermes_bin() -> Result<PathBuf> {
    find_tool("hermes", "HERMES_BIN", &[".cargo/bin"])
}

/// An installed tool: `$env_var`, then `PATH`, `$GOPATH/bin`, then `~/<dir>/<name>`.
pub(crate) fn find_tool(name: &str, env_var: &str, home_dirs: &[&str]) -> Result<PathBuf> {
    if let Some(p) = std::env::var_os(env_var) {
        return Ok(PathBuf::from(p));
    }
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join(name)).collect())
        .unwrap_or_default();
    if let Some(g) = std::env::var_os("GOPATH") {
        candidates.extend(std::env::split_paths(&g).map(|d| d.join("bin").join(name)));
    }
    if let Some(h) = std::env::var_os("HOME") {
        candidates.extend(
            home_dirs
                .iter()
                .map(|d| PathBuf::from(&h).join(d).join(name)),
        );
    }
    candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .ok_or_else(|| anyhow!("{name} not found (set {env_var}); run scripts/install-tools.sh"))
}

/// Makes the child get SIGKILL when the thread that spawned it goes away.
pub fn die_with_parent(cmd: &mut Command) {
    extern "C" {
        fn prctl(option: std::os::raw::c_int, ...) -> std::os::raw::c_int;
    }
    const PR_SET_PDEATHSIG: std::os::raw::c_int = 1;
    const SIGKILL: std::os::raw::c_ulong = 9;
    // SAFETY: prctl is async-signal-safe and touches no memory of ours.
    unsafe {
        cmd.pre_exec(|| {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            Ok(())
        });
    }
}

/// A `Command` for `rmeshd` with the directory of `cometbft` first on its PATH (`rmeshd init` runs
/// `cometbft init`).
pub fn rmeshd_command() -> Result<Command> {
    let mut cmd = Command::new(rmeshd_bin()?);
    let comet_dir = cometbft_bin()?
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let path = std::env::var_os("PATH").unwrap_or_default();
    cmd.env(
        "PATH",
        std::env::join_paths(std::iter::once(comet_dir).chain(std::env::split_paths(&path)))?,
    );
    Ok(cmd)
}

/// Runs the rmeshd CLI with `args` and optional `stdin` (60s bound), success or not.
pub fn rmeshd(args: &[&str], stdin: Option<&str>) -> Result<CliOutput> {
    run_with_timeout(rmeshd_command()?.args(args), stdin, Duration::from_secs(60))
}

/// What a finished CLI command printed.
#[derive(Debug)]
pub struct CliOutput {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl CliOutput {
    pub fn success(&self) -> bool {
        self.status.success()
    }

    /// Stdout parsed as JSON (the first `{` or `[` on, so a leading line of text is tolerated).
    pub fn json(&self) -> Result<Value> {
        parse_json(&self.stdout)
    }
}

/// Runs `cmd` to completion, feeding it `stdin`, killing it after `timeout`.
pub fn run_with_timeout(
    cmd: &mut Command,
    stdin: Option<&str>,
    timeout: Duration,
) -> Result<CliOutput> {
    let mut out = tempfile::tempfile()?;
    let mut err = tempfile::tempfile()?;
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(out.try_clone()?)
    .stderr(err.try_clone()?);
    die_with_parent(cmd);
    let what = format!("{cmd:?}");
    let mut child = cmd.spawn().with_context(|| format!("spawning {what}"))?;
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("piped stdin");
        // A child that exits without reading closes the pipe; that shows up in its exit status.
        let _ = pipe.write_all(input.as_bytes());
    }
    let deadline = Instant::now() + timeout;
    let status = loop {
        if let Some(s) = child.try_wait()? {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("timed out after {timeout:?}: {what}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let read = |f: &mut File| -> Result<String> {
        let mut s = String::new();
        f.seek(SeekFrom::Start(0))?;
        f.read_to_string(&mut s)?;
        Ok(s)
    };
    Ok(CliOutput {
        status,
        stdout: read(&mut out)?,
        stderr: read(&mut err)?,
    })
}

/// Copies a directory tree (files and directories only).
pub fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

pub(crate) fn tail(path: &Path, lines: usize) -> String {
    let s = fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = s.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// Sends SIGTERM and waits up to 20s for the process to exit, then SIGKILLs it.
pub(crate) fn terminate(child: &mut Option<Child>) {
    extern "C" {
        #[link_name = "kill"]
        fn libc_kill(pid: i32, sig: i32) -> i32;
    }
    const SIGTERM: i32 = 15;
    if let Some(c) = child.as_mut() {
        // SAFETY: plain syscall on a pid we own (the child is not reaped yet, so it is still ours).
        unsafe { libc_kill(c.id() as i32, SIGTERM) };
        let deadline = Instant::now() + Duration::from_secs(20);
        while matches!(c.try_wait(), Ok(None)) && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    kill(child);
}

pub(crate) fn kill(child: &mut Option<Child>) {
    if let Some(mut c) = child.take() {
        let _ = c.kill(); // SIGKILL
        let _ = c.wait();
    }
}

/// A `&str` view of an argument list.
pub fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

pub(crate) fn spawn_logged(mut cmd: Command, log: &Path) -> Result<Child> {
    let f = OpenOptions::new().create(true).append(true).open(log)?;
    cmd.stdin(Stdio::null()).stdout(f.try_clone()?).stderr(f);
    die_with_parent(&mut cmd);
    cmd.spawn().with_context(|| format!("spawning {cmd:?}"))
}
