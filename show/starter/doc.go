// Package starter writes the sets that ship with gridbox: the demo set
// (sets/demo, written by Demo) and the small starter set that "gridbox new"
// writes (New). Both come with their samples, which are synthesized here, in
// Go, from oscillators, envelopes, filters and seeded noise: no recorded
// audio is downloaded or committed from elsewhere.
//
// The output is deterministic: the same bytes on every machine, OS and
// GOARCH. The synthesis avoids the math functions whose last bit differs
// between architectures and forbids fused multiply-adds (see dsp.go), rounds
// every sample to the 16-bit grid, and tests pin the SHA-256 of every file
// and compare Demo's output with the committed sets/demo byte for byte. To
// change the demo, edit the Go and regenerate:
//
//	go test ./show/starter -run 'TestDemoIsCommitted|TestGeneratedBytesAreStable' -update
//
// The pipeline, per sample:
//
//	oscillators, noise ──▶ filters ──▶ envelopes ──▶ normalize ──▶ 16-bit grid ──▶ audio/wav (s16, 48 kHz mono)
//
// Threading: Demo and New run on the caller's goroutine (the command line);
// nothing here is used while audio plays.
package starter
