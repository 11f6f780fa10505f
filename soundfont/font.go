package soundfont

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
)

// Limits on what Read accepts, so that a damaged or hostile file cannot
// make it allocate without bound. Every size is also checked against the
// file's real size before anything is allocated.
const (
	// MaxSampleBytes bounds the smpl chunk: 1 GiB of 16-bit samples (512 Mi
	// sample points, 3 h of mono 48 kHz audio), read into one []int16. The
	// largest General MIDI fonts are a few hundred MiB; a Raspberry Pi has
	// 1 to 8 GiB.
	MaxSampleBytes = 1 << 30
	// MaxRegions bounds the resolved regions (preset zone × instrument
	// zone pairs): 256 Ki regions are about 75 MiB.
	MaxRegions = 1 << 18
	// maxModWork bounds the modulator comparisons merging takes (about
	// 0.2 s); real fonts need a few thousand.
	maxModWork = 1 << 27
	// maxInfoBytes bounds the INFO list (its strings are at most 64 KiB).
	maxInfoBytes = 1 << 20
)

// ErrFormat is what every *FormatError is (errors.Is): the file is not a
// SoundFont 2 bank gridbox can read.
var ErrFormat = errors.New("malformed SoundFont")

// A FormatError says where a file breaks the SoundFont 2.04 specification:
// the chunk (as "pdta/phdr") and the byte offset in the file of the
// offending header or record.
type FormatError struct {
	File   string
	Chunk  string
	Offset int64
	Msg    string
}

func (e *FormatError) Error() string {
	if e.Chunk == "" {
		return fmt.Sprintf("%s: at byte %d: %s", e.File, e.Offset, e.Msg)
	}
	return fmt.Sprintf("%s: %s at byte %d: %s", e.File, e.Chunk, e.Offset, e.Msg)
}

// Is makes errors.Is(err, ErrFormat) true.
func (e *FormatError) Is(target error) bool { return target == ErrFormat }

// Info is the INFO list (§5). Strings are empty when absent; Engine is
// "EMU8000" when isng is absent, as §5.2 says.
type Info struct {
	Major, Minor uint16 // ifil: the specification version, 2.01, 2.04
	Engine       string // isng
	Name         string // INAM
	ROM          string // irom
	ROMMajor     uint16 // iver
	ROMMinor     uint16
	Date         string // ICRD
	Engineers    string // IENG
	Product      string // IPRD
	Copyright    string // ICOP
	Comment      string // ICMT
	Software     string // ISFT
}

// A Preset is what a MIDI bank and program select (§7.2).
type Preset struct {
	Name    string
	Bank    uint16 // 0..127, 128 for General MIDI percussion
	Program uint16 // 0..127
	// Regions are Font.Regions[First:End]: the preset's zones resolved
	// against its instruments' zones, in file order.
	First, End int32
}

// SampleType says whether a sample is mono or one side of a stereo pair.
type SampleType uint16

// Sample types (§4.5). ROM samples are refused at load time.
const (
	Mono   SampleType = 1
	Right  SampleType = 2
	Left   SampleType = 4
	Linked SampleType = 8 // not fully defined by the specification: played as mono
)

// A Sample is a sample header (§7.10). Positions are indexes into
// Font.Data (and Font.Data24), in sample points.
type Sample struct {
	Name               string
	Start, End         uint32 // End is the first point after the sample
	LoopStart, LoopEnd uint32 // LoopEnd is the point equivalent to LoopStart
	Rate               uint32 // Hz, 400..192000 (§7.10: the nearest practical value)
	OriginalKey        uint8  // 60 where the file says 255 or an illegal value
	Correction         int8   // cents
	Link               int32  // the other side of a stereo pair; -1 for mono
	Type               SampleType
}

// LoopMode is how a region plays its loop (sampleModes, §8.1.2 54).
type LoopMode uint8

// Loop modes.
const (
	NoLoop         LoopMode = 0 // also sampleModes 2
	LoopContinuous LoopMode = 1
	LoopRelease    LoopMode = 3 // loops while the key is held, then plays to the end
)

// A Region is one sounding layer of a preset: an instrument zone with its
// sample, under one preset zone. Everything is resolved at load time so a
// realtime player reads it without computing or allocating.
type Region struct {
	// The key and velocity ranges: the preset zone's and the instrument
	// zone's (each zone's own, else its global zone's) intersected.
	KeyLo, KeyHi, VelLo, VelHi uint8
	Sample                     int32 // index in Font.Samples
	Instrument                 int32 // index in Font.Instruments
	// Start, End, LoopStart and LoopEnd are positions in Font.Data with
	// the zone's address offsets applied, kept within the sample:
	// Sample.Start <= Start <= LoopStart <= LoopEnd <= End <= Sample.End.
	Start, End, LoopStart, LoopEnd uint32
	Loop                           LoopMode // NoLoop when the loop is empty
	RootKey                        uint8    // overridingRootKey, else the sample's original key
	Key, Velocity                  int8     // keynum, velocity: forced values, -1 when not forced
	ExclusiveClass                 uint8
	// Gen holds every generator: the instrument zone's value (its own, else
	// its global zone's, else the default) plus the preset zone's (its own,
	// else its global zone's) for generators allowed at preset level
	// (§8.5). Unclamped: see Gen.Clamp. The address, loop-mode, root-key,
	// keynum, velocity and exclusive-class generators are also resolved
	// into the fields above.
	Gen [NumGens]int32
	// Modulators are Font.Modulators[ModFirst:ModEnd]: the default
	// modulators as the instrument zones replace them and the preset
	// zones add to them (§9.5.1). Regions share identical lists.
	ModFirst, ModEnd int32
}

// A Font is a parsed, resolved SoundFont 2 bank. It is immutable after
// Read and safe to use from any goroutine, the realtime one included:
// Preset and AppendRegions neither lock nor allocate.
type Font struct {
	Info        Info
	Presets     []Preset // in file order; see Preset for the one a bank and program select
	Instruments []string // instrument names, for messages and tools; their zones live on in the regions
	Samples     []Sample
	Regions     []Region
	Modulators  []Modulator
	// Data holds the whole smpl chunk: 16-bit signed samples. Data24, when
	// the file has a valid sm24 chunk (§6.2), holds the low byte of each
	// point for 24-bit playback: the point is int32(Data[i])<<8 | int32(Data24[i]).
	Data   []int16
	Data24 []uint8

	programs map[uint32]int32
}

// Open reads the SoundFont at path. Errors name the file as path.
func Open(path string) (*Font, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return Read(f, st.Size(), path)
}

// Read parses and resolves the size-byte SoundFont r holds; name is the
// file as messages should name it. A file that breaks the specification
// where a player cannot go on is a *FormatError; what §7 says to ignore
// (zones without their terminal generator, generators after it, unknown
// generators and modulators, a misplaced keyRange) is ignored. Read never
// panics on any input.
func Read(r io.ReaderAt, size int64, name string) (*Font, error) {
	p := &parser{r: r, size: size, name: name}
	f, err := p.parse()
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Preset returns the index in Presets of the preset a MIDI bank and
// program select: the first in the file with those numbers (§7.2).
func (f *Font) Preset(bank, program int) (int, bool) {
	if bank < 0 || bank > 128 || program < 0 || program > 127 {
		return 0, false
	}
	i, ok := f.programs[uint32(bank)<<8|uint32(program)]
	return int(i), ok
}

// AppendRegions appends to dst the indexes in f.Regions of the regions
// that sound when preset p plays key at velocity vel, in file order, and
// returns the extended slice. It allocates only if dst is too small: a
// player passes a slice with room (a preset rarely layers more than a few
// regions on one key; len(Regions of the preset) is always enough).
func (f *Font) AppendRegions(dst []int32, p int, key, vel uint8) []int32 {
	if p < 0 || p >= len(f.Presets) {
		return dst
	}
	pr := &f.Presets[p]
	for i := pr.First; i < pr.End; i++ {
		r := &f.Regions[i]
		if key >= r.KeyLo && key <= r.KeyHi && vel >= r.VelLo && vel <= r.VelHi {
			dst = append(dst, i)
		}
	}
	return dst
}

// Mods returns r's modulators.
func (f *Font) Mods(r *Region) []Modulator { return f.Modulators[r.ModFirst:r.ModEnd] }

func le16(b []byte) uint16 { return binary.LittleEndian.Uint16(b) }
func le32(b []byte) uint32 { return binary.LittleEndian.Uint32(b) }
