package codec

import (
	"fmt"
	"path"
	"strings"

	"gridbox/audio/internal/pcm"
)

// A Problem is something wrong with a file that decoded anyway: Decode,
// DecodeFile and LoadFile return it beside the Buffer, which holds what the
// file really contains (all of it there is, for a truncated file). A file
// that cannot be decoded at all is an error instead.
type Problem struct {
	Kind ProblemKind
	Msg  string // in plain words, without the file's name: "FLAC stream ends at 0.31 s of 0.98 s (truncated)"
}

// ProblemKind tells what a Problem is about, so that callers can weigh it.
type ProblemKind int

const (
	// Truncated: the file holds less audio than its header says, because it
	// was cut short or its header lies about its sizes. What there is plays;
	// the rest is missing.
	Truncated ProblemKind = iota + 1

	// Misnamed: the file's name ends in an extension of another format than
	// its content. It plays as what it is (gridbox goes by content), but
	// other programs may refuse it. Msg reads "an AIFF file named .wav".
	Misnamed
)

func (p Problem) String() string { return p.Msg }

// extensions maps the extensions of audio files, lowercased, to the kind of
// file they promise; those of formats gridbox does not decode map to -1.
var extensions = map[string]kind{
	".wav": kindWAV, ".wave": kindWAV, ".bwf": kindWAV,
	".aif": kindAIFF, ".aiff": kindAIFF, ".aifc": kindAIFF,
	".flac": kindFLAC, ".fla": kindFLAC,
	".mp3": kindMP3,
	".ogg": kindVorbis, ".oga": kindVorbis,
	".opus": -1, ".m4a": -1, ".mp4": -1, ".aac": -1, ".wma": -1, ".au": -1,
	".snd": -1, ".mid": -1, ".midi": -1, ".caf": -1, ".mp2": -1,
}

// misnamed returns a Misnamed problem if name's extension is that of
// another audio format than k. A name without an extension, or with one that
// is not an audio format's, is no problem.
func misnamed(name string, k kind) []Problem {
	ext := path.Ext(name)
	want, ok := extensions[strings.ToLower(ext)]
	if !ok || want == k {
		return nil
	}
	return []Problem{{Misnamed, fmt.Sprintf("%s named %s", k.File(), ext)}}
}

// pcmTruncated says what is missing if the uncompressed file s describes
// holds fewer frames in its size bytes than its header declares.
func pcmTruncated(s *pcm.Stream, size int64) string {
	declared, present := s.Declared(), s.Present(size)
	if s.Unsized || present >= declared {
		return ""
	}
	fb := int64(s.FrameBytes())
	if end := s.Offset + s.Size; end > size {
		claims, has := sizeText(s.Size), sizeText(size)
		if claims == has {
			claims, has = fmt.Sprintf("%d bytes", s.Size), fmt.Sprintf("%d bytes", size)
		}
		return fmt.Sprintf("%s %s claims %s but the file ends after %s (truncated)", s.Name, s.Chunk, claims, has)
	}
	return fmt.Sprintf("%s header claims %s of sound but its %s holds %s (truncated)",
		s.Name, seconds(declared, s.Rate), s.Chunk, seconds(s.Size/fb, s.Rate))
}

// sizeText formats a size in bytes for a musician: "512 bytes", "1.2 MB".
func sizeText(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d bytes", n)
	case n < 1e6:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/1e6)
}

// seconds formats frames at rate as a time: "0.31 s".
func seconds[N int | int64](frames N, rate int) string {
	return fmt.Sprintf("%.2f s", float64(frames)/float64(max(rate, 1)))
}

// endsAt is the message for a compressed stream that ends before the length
// its header declares: "FLAC stream ends at 0.31 s of 0.98 s (truncated)".
func endsAt(format string, frames, total int64, rate int) string {
	return fmt.Sprintf("%s stream ends at %s of %s (truncated)", format, seconds(frames, rate), seconds(total, rate))
}

// endsMidFrame is the message for a compressed stream whose last frame is
// cut off, when the header does not declare a length.
func endsMidFrame(format string, frames int64, rate int) string {
	return fmt.Sprintf("%s stream ends in the middle of a frame, at %s (truncated)", format, seconds(frames, rate))
}
