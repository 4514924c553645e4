//! Generates the prost messages and tonic servers of rmesh's own protobuf packages, plus the
//! descriptor set gRPC reflection serves.

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protos = [
        "rmesh/converter/v1/converter.proto",
        "rmesh/virtualstaking/v1/virtualstaking.proto",
        "rmesh/vault/v1/vault.proto",
        "rmesh/externalstaking/v1/externalstaking.proto",
    ];
    let descriptors =
        std::path::PathBuf::from(std::env::var("OUT_DIR")?).join("rmesh_descriptor.bin");
    tonic_build::configure()
        .build_client(false)
        .file_descriptor_set_path(descriptors)
        .compile_protos(&protos, &["."])?;
    for proto in protos {
        println!("cargo:rerun-if-changed={proto}");
    }
    Ok(())
}
