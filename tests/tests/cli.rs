//! The rmeshd CLI on its own: keys (BIP39 on m/44'/118'/0'/0/0, same as any Cosmos wallet) and
//! errors (one line on stderr, non-zero exit, never a panic).

use anyhow::Result;
use rmesh_e2e::{cosmrs_address, rmeshd, CliOutput, ALICE, BOB, CAROL, DAVE};

fn home() -> Result<(tempfile::TempDir, String)> {
    let d = tempfile::Builder::new().prefix("rmesh-cli-").tempdir()?;
    let s = d.path().display().to_string();
    Ok((d, s))
}

fn ok(args: &[&str], stdin: Option<&str>) -> Result<String> {
    let out = rmeshd(args, stdin)?;
    anyhow::ensure!(
        out.success(),
        "rmeshd {} failed: {}",
        args.join(" "),
        out.stderr
    );
    Ok(out.stdout)
}

#[test]
fn a_mnemonic_recovered_with_the_cli_gives_the_address_cosmrs_derives() -> Result<()> {
    let (_dir, home) = home()?;
    for (name, mnemonic) in [
        ("alice", ALICE),
        ("bob", BOB),
        ("carol", CAROL),
        ("dave", DAVE),
    ] {
        ok(
            &["keys", "add", name, "--recover", "--home", &home],
            Some(&format!("{mnemonic}\n")),
        )?;
        let cli = ok(&["keys", "show", name, "-a", "--home", &home], None)?;
        assert_eq!(cli.trim(), cosmrs_address(mnemonic)?, "{name}");
    }
    Ok(())
}

#[test]
fn keys_add_prints_a_mnemonic_that_recovers_the_same_address() -> Result<()> {
    let (_dir, home) = home()?;
    let out = rmeshd(&["keys", "add", "fresh", "--home", &home], None)?;
    assert!(out.success(), "{}", out.stderr);
    let printed = format!("{}\n{}", out.stdout, out.stderr);
    let mnemonic = printed
        .lines()
        .map(|l| l.trim().trim_matches('"'))
        .rev()
        .find(|l| {
            let words: Vec<&str> = l.split(' ').collect();
            matches!(words.len(), 12 | 24)
                && words
                    .iter()
                    .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase()))
        })
        .or_else(|| {
            // JSON output: {"mnemonic": "..."}
            printed
                .split("\"mnemonic\"")
                .nth(1)
                .and_then(|rest| rest.split('"').nth(1))
        })
        .unwrap_or_else(|| {
            panic!("no 12- or 24-word mnemonic in the output of keys add:\n{printed}")
        })
        .to_string();
    let address = ok(&["keys", "show", "fresh", "-a", "--home", &home], None)?;
    assert_eq!(address.trim(), cosmrs_address(&mnemonic)?);
    Ok(())
}

#[test]
fn keys_list_shows_every_key_with_its_address() -> Result<()> {
    let (_dir, home) = home()?;
    for (name, mnemonic) in [("alice", ALICE), ("bob", BOB)] {
        ok(
            &["keys", "add", name, "--recover", "--home", &home],
            Some(&format!("{mnemonic}\n")),
        )?;
    }
    let list = ok(&["keys", "list", "--home", &home], None)?;
    for (name, mnemonic) in [("alice", ALICE), ("bob", BOB)] {
        assert!(
            list.contains(name),
            "{name} missing from keys list:\n{list}"
        );
        let addr = cosmrs_address(mnemonic)?;
        assert!(
            list.contains(&addr),
            "{addr} missing from keys list:\n{list}"
        );
    }
    Ok(())
}

fn assert_clean_error(what: &str, out: &CliOutput) {
    assert!(!out.success(), "{what}: exited 0; stdout: {}", out.stdout);
    let err = out.stderr.trim();
    assert!(!err.is_empty(), "{what}: nothing on stderr");
    assert_eq!(
        err.lines().count(),
        1,
        "{what}: stderr is not one line:\n{err}"
    );
    assert!(!err.contains("panicked"), "{what}: panicked: {err}");
}

#[test]
fn cli_errors_are_one_line_on_stderr_with_a_non_zero_exit() -> Result<()> {
    let (_dir, home) = home()?;
    let nowhere = "http://127.0.0.1:1";
    let alice = cosmrs_address(ALICE)?;
    let cases: Vec<(&str, Vec<&str>, Option<&str>)> = vec![
        (
            "unknown key",
            vec!["keys", "show", "nobody", "--home", &home],
            None,
        ),
        (
            "invalid mnemonic",
            vec!["keys", "add", "x", "--recover", "--home", &home],
            Some("not a valid mnemonic\n"),
        ),
        (
            "bad address",
            vec![
                "query",
                "bank",
                "balances",
                "not-an-address",
                "--node",
                nowhere,
            ],
            None,
        ),
        ("node down", vec!["status", "--node", nowhere], None),
        (
            "node down for a query",
            vec!["query", "bank", "balances", &alice, "--node", nowhere],
            None,
        ),
        (
            "unknown sender key",
            vec![
                "tx",
                "bank",
                "send",
                "nobody",
                "rmesh1qqqq",
                "10urmesh",
                "--chain-id",
                "x",
                "--node",
                nowhere,
                "--home",
                &home,
            ],
            None,
        ),
        (
            "bad coins",
            vec![
                "genesis",
                "add-account",
                "rmesh1qqqq",
                "ten-coins",
                "--home",
                &home,
            ],
            None,
        ),
    ];
    for (what, args, stdin) in cases {
        let out = rmeshd(&args, stdin)?;
        assert_clean_error(what, &out);
    }
    Ok(())
}
