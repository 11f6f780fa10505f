// Package soundfont reads SoundFont 2 banks (.sf2, versions 2.00 to 2.04)
// into a model a realtime player can use as it is. It is written from the
// SoundFont 2.04 specification; section numbers (§7.2) in the comments
// are that document's.
//
//	file ──Read──> RIFF sfbk: INFO, sdta (smpl, sm24), pdta (the nine "hydra" tables)
//	     ──checks──> structure, sizes, index chains, sample headers
//	     ──resolve──> Font: Presets ─> Regions (preset zone × instrument zone,
//	                  generators added, ranges intersected, modulators merged)
//	                  ─> Samples ─> Data []int16 (+ Data24 []uint8)
//
// Threading: Read and Open run on the control side; they allocate
// everything a player needs. The *Font they return is immutable: any
// goroutine may read it, and Preset, AppendRegions, Mods and Gen.Clamp
// neither lock nor allocate, so the audio thread may call them.
//
// What a file must get right, or Read returns a *FormatError naming the
// file, the chunk and the byte offset of the chunk or record at fault
// ("piano.sf2: pdta/pbag at byte 5769900: …"): the RIFF header and every
// chunk size (odd sizes padded), an ifil of version 2, the lists INFO, sdta
// and pdta in that order, the nine pdta tables in their order with whole
// records (38, 4, 10, 4, 22, 4, 10, 4 and 46 bytes) and their terminal
// records, bag, generator and modulator indexes that never decrease and end
// at their table's terminal record, instrument and sample indexes that
// exist, sample headers within smpl with a known type and stereo links that
// point at a sample, and no ROM samples unless the file names its ROM
// (zones playing ROM samples are then silent). What the specification says
// to ignore is ignored: unknown chunks, generators and modulators; zones
// without their terminal generator (except a first, global zone);
// generators after it; a keyRange that is not first or a velRange after
// anything but keyRange; generators a preset zone may not hold (§8.5); an
// sm24 chunk of the wrong size or in a file older than 2.04. Impractical
// sample rates and original keys are replaced as §7.10 says.
//
// Limits: smpl up to MaxSampleBytes (1 GiB), read into one []int16; at
// most MaxRegions resolved regions; each pdta table at most 65537 records
// (its indexes are 16-bit); merging modulators at most 2^27 comparisons.
// Every chunk is checked against the file's size before its data is
// allocated.
//
// Modulators chained by links (§9.5.4) are ignored, as are modulators
// whose sources the specification does not define. General MIDI program
// names are in ProgramName and Program.
package soundfont
