// Package state keeps what changes while gridbox plays (mixer moves, which
// clips to resume, later the list of recordings) in a state file beside the
// set, never in the user's set file, so that a power cut or a kill -9 can
// never corrupt it (issue 4, "Never lose data"). The payload is opaque bytes:
// the caller encodes it. Recordings themselves are audio files of their own;
// the state only refers to them.
//
//	Save(data) ──> temp file ─fsync─> rename to NAME.GEN.state ─fsync folder─> prune past Keep
//	Load()     <── newest generation whose header and checksums are good
//	                 (a bad one is moved aside to NAME.GEN.state.corrupt; try the one before)
//
// # Files
//
// The state of songs/live.toml lives in the folder songs/.gridbox-state/
// (ForSet), as generations numbered from 1, never reused:
//
//	songs/live.toml                                  the set: a Store never writes it
//	songs/.gridbox-state/live.toml.0000000041.state  an older generation
//	songs/.gridbox-state/live.toml.0000000042.state  the newest
//	songs/.gridbox-state/live.toml.0000000007.state.corrupt   moved aside by Load, kept for a look
//	songs/.gridbox-state/.live.toml.3f9a0c1d2e4b5a69.tmp      a Save in progress (or an orphan)
//
// A folder rather than songs/live.toml.state because a generation is a file:
// ten of them, plus temporary files, would clutter the user's folder, and a
// folder listing of sets would see them. One hidden folder per set folder
// holds all its sets' state; it sits on the same file system as the set (a
// rename is only atomic within one), it travels with the folder when the
// user copies it, and deleting it resets the state and nothing else.
//
// # Format
//
// A generation is a 32-byte header, big-endian, then the payload:
//
//	offset size
//	 0      8   magic "gbxstate"
//	 8      2   format version, 1
//	10      2   header length, 32
//	12      4   CRC-32C of the header, this field counted as zero
//	16      8   payload length in bytes
//	24      4   CRC-32C of the payload
//	28      4   reserved, zero
//
// So an empty, truncated or torn file, a flipped bit, trailing bytes or
// another file under the name is detected (ErrCorrupt). The first 16 bytes
// keep their layout in every version: a file with a good header checksum and
// a higher version is a newer gridbox's (ErrFutureVersion), not damage, and
// Load leaves it in place.
//
// # Threads
//
// A Store has one owning goroutine, which calls Save and Load (a saver
// goroutine fed by the Session goroutine, say; never the audio thread: both
// do file I/O and allocate). There is one writer per folder and name: one
// Store, in one process. Two would never corrupt a generation, since every
// generation appears whole by rename, but they could take the same number,
// and one's Open could sweep the other's temporary file and fail its Save.
//
// # Crashes and power cuts
//
// A kill -9 or a panic mid-Save leaves at most a temporary file, which Open
// removes; every generation name always refers to a complete file, because
// rename(2) replaces names atomically. TestKill9 checks this with 1000
// kills at random moments of a save loop (150 under the race detector); its
// negative control shows a plain os.WriteFile torn by the same kills. But a killed process loses nothing from the page
// cache, so that test proves atomicity only, not durability.
//
// Durability against a power cut comes from the order of the fsyncs, and the
// fact that nothing is removed until its replacement is durable:
//
//   - the temporary file is fsynced before the rename, or ext4's delayed
//     allocation (and XFS, btrfs) may commit the rename before the data,
//     leaving the new name on a zero-length or garbage file after a power
//     cut;
//   - the folder is fsynced after the rename, or the new name itself may be
//     lost; and only then are the old generations past Keep removed, so at
//     every moment at least one complete, fsynced generation has a name on
//     disk;
//   - a folder Open creates is made durable by fsyncing its parent.
//
// Removing old generations and moving corrupt ones aside are not fsynced
// first: if a power cut undoes them, an old generation comes back or the
// corruption is found again, and nothing is lost. An SD card that
// acknowledges a flush it has not done can still tear the newest
// generation; the checksums catch that and Load falls back to an older one.
// That case needs the fault-injection and power-relay tests
// (docs/realtime-and-reliability.md §3.1, §5 T9), not kill -9.
package state
