//! The replication protocol between the rfs daemons of a primary and its secondary.
//!
//! Pure: operations on replicated directories ([`Op`]), their binary encoding ([`codec`]) and the
//! authenticated, replay-proof framing of a link ([`frame`]). The daemon (crate `keel-rfsd`) does
//! the I/O. Keeping this apart lets the wire format be tested and fuzzed without mounts or sockets.

pub mod codec;
pub mod frame;
pub mod op;
pub mod relpath;
pub mod verify;
pub mod xattr;

pub use codec::DecodeError;
pub use frame::{Binding, FrameError, Handshake, LinkKeys, Opener, Sealer, HELLO_BODY_LEN, MAX_FRAME};
pub use op::{Ack, EntryKind, Message, Op};
pub use relpath::{RelPath, RelPathError};
