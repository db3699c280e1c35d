//! Consumer groups: the clock, the classic group coordinator, the committed-offsets store and the internal log's record formats.
pub mod clock;
pub mod coordinator;
pub mod offsets;
pub mod records;
pub use clock::*;
pub use coordinator::*;
pub use offsets::*;
