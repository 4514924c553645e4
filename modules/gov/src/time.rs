//! Block times as gov stores them: protobuf timestamps on proposals, unix nanoseconds in keys.

use tendermint_proto::google::protobuf::Timestamp;

pub(crate) fn timestamp(nanos: u64) -> Timestamp {
    Timestamp {
        seconds: i64::try_from(nanos / 1_000_000_000).unwrap_or(i64::MAX),
        nanos: i32::try_from(nanos % 1_000_000_000).unwrap_or(0),
    }
}

pub(crate) fn nanos_of(time: Option<&Timestamp>) -> u64 {
    time.map_or(0, |time| {
        u64::try_from(time.seconds)
            .unwrap_or(0)
            .saturating_mul(1_000_000_000)
            .saturating_add(u64::try_from(time.nanos).unwrap_or(0))
    })
}
