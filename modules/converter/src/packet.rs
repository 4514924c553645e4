//! The mesh-security wire format, shared with the provider end (`rmesh-mesh-wire`).

pub use rmesh_mesh_wire::*;

use crate::error::ConverterError;

impl From<WireError> for ConverterError {
    fn from(err: WireError) -> Self {
        match err {
            WireError::Malformed(text) => ConverterError::MalformedPacket(text),
            WireError::WrongDenom { expected, got } => ConverterError::WrongDenom { expected, got },
            WireError::Version(text) => ConverterError::Channel(text),
        }
    }
}
