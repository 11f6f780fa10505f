package sets

// Input bounds. BurntSushi/toml v1.6.0 has no depth limit: a = [[[[…]]]] a few
// million levels deep overflows the stack, which no recover can catch
// (BurntSushi/toml#497), and a key with 30,000 dotted parts takes gigabytes
// and tens of seconds (BurntSushi/toml#496). So the text is checked before the
// TOML parser sees it (tomlpos.CheckNesting, through tomlpos.Decode).
const (
	// MaxFileSize is the largest set file accepted; a real set is a few KiB.
	MaxFileSize = 1 << 20
	// MaxTakesSize is the largest takes file accepted: gridbox writes
	// them, and a stage's recordings (up to MaxNotes notes per clip in
	// up to MaxScenes scenes) outgrow a set's limit.
	MaxTakesSize = 16 << 20
	// MaxDepth is the deepest nesting of arrays and inline tables accepted,
	// and the most parts a dotted key may have.
	MaxDepth = 32
)
