package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gridbox/internal/atomicfile"
)

// SetLatencyOffset writes offset into the config file file as [audio]
// latency_offset, in milliseconds: what `gridbox calibrate` measured. The
// rest of the file stays as it is, comments and all: the key's value is
// replaced where it is written, or the key is added under the [audio]
// header, or an [audio] table is added at the end. A missing file is
// created, with its folder.
//
// The file must parse before (its problems are returned as Parse returns
// them, and nothing is written), and the new text must parse to the same
// configuration but for the offset, or nothing is written: that is the
// case when [audio] is written as an inline table or as dotted keys
// without a latency_offset, and the error says what to add by hand. The
// file is replaced atomically, keeping its permissions. It runs on the
// control side.
func SetLatencyOffset(file string, offset time.Duration) error {
	fail := func(format string, a ...any) error {
		return fmt.Errorf("config: write latency_offset to %s: "+format, append([]any{file}, a...)...)
	}
	if offset < -MaxLatencyOffset || offset > MaxLatencyOffset {
		return fail("%v is out of range -%v..%v", offset, MaxLatencyOffset, MaxLatencyOffset)
	}
	perm := fs.FileMode(0o644)
	var data []byte
	switch fi, err := os.Stat(file); {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			return fail("%w", err)
		}
	case err != nil:
		return fail("%w", err)
	default:
		perm = fi.Mode().Perm()
		if data, err = readLimited(file); err != nil {
			return err
		}
	}
	old, err := Parse(file, data)
	if err != nil {
		return err
	}
	ms := strconv.FormatFloat(float64(offset)/float64(time.Millisecond), 'f', -1, 64)
	text, ok := withLatencyOffset(string(data), old, ms)
	if !ok {
		return fail("[audio] is written as an inline table or dotted keys: add latency_offset = %s to it by hand", ms)
	}
	c, err := Parse(file, []byte(text))
	if err != nil || !sameBut(c, old, offset) {
		return fail("the edited file would not say latency_offset = %s: add it to [audio] by hand", ms)
	}
	return atomicfile.Write(file, atomicfile.Options{Perm: perm}, func(f *os.File) error {
		_, err := f.WriteString(text)
		return err
	})
}

// withLatencyOffset returns src, the text of the config c, with
// latency_offset = ms in [audio], and false if it cannot tell where.
func withLatencyOffset(src string, c *Config, ms string) (string, bool) {
	if p := c.Pos("audio.latency_offset"); p.Line > 0 {
		i, ok := offsetOf(src, p.Line, p.Col)
		if !ok {
			return "", false
		}
		j := i + strings.IndexFunc(src[i:]+" ", func(r rune) bool { return !strings.ContainsRune("0123456789+-._eEinfa", r) })
		return src[:i] + ms + src[j:], true
	}
	if p := c.Pos("audio"); p.Line > 0 {
		i, ok := offsetOf(src, p.Line, 1)
		if !ok {
			return "", false
		}
		line, _, _ := strings.Cut(src[i:], "\n")
		header, _, _ := strings.Cut(line, "#")
		if strings.ReplaceAll(strings.TrimSpace(header), " ", "") != "[audio]" {
			return "", false
		}
		end := i + len(line)
		if end == len(src) {
			return src + "\nlatency_offset = " + ms + "\n", true
		}
		return src[:end+1] + "latency_offset = " + ms + "\n" + src[end+1:], true
	}
	if src != "" && !strings.HasSuffix(src, "\n") {
		src += "\n"
	}
	if src != "" {
		src += "\n"
	}
	return src + "[audio]\nlatency_offset = " + ms + "\n", true
}

// offsetOf returns the byte offset in src of line and col (counting from
// 1; columns count characters, as Pos does).
func offsetOf(src string, line, col int) (int, bool) {
	i := 0
	for l := 1; l < line; l++ {
		k := strings.IndexByte(src[i:], '\n')
		if k < 0 {
			return 0, false
		}
		i += k + 1
	}
	for c := 1; c < col; c++ {
		if i >= len(src) || src[i] == '\n' {
			return 0, false
		}
		_, n := utf8.DecodeRuneInString(src[i:])
		i += n
	}
	return i, true
}

// sameBut reports whether c is old with Audio.LatencyOffset = offset.
func sameBut(c, old *Config, offset time.Duration) bool {
	a, b := *c, *old
	a.pos, b.pos = nil, nil
	b.Audio.LatencyOffset = offset
	return reflect.DeepEqual(a, b)
}
