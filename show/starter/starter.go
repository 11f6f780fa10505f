package starter

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"gridbox/audio"
	"gridbox/audio/wav"
)

// Demo writes the demo set (demo.toml, demo.perf, samples/*.wav) into dir,
// which must exist. It replaces files of the same names and leaves other files
// alone. The output is the same, byte for byte, on every machine.
func Demo(dir string) error {
	if err := isDir(dir); err != nil {
		return err
	}
	files, err := demoFiles()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "samples"), 0o755); err != nil {
		return fmt.Errorf("starter: %w", err)
	}
	for _, name := range sortedNames(files) {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), files[name], 0o644); err != nil {
			return fmt.Errorf("starter: %w", err)
		}
	}
	return nil
}

// New writes a small starter set into dir, creating dir if needed: set.toml
// (with a comment on every key), set.perf (a short performance script) and
// samples/*.wav. It refuses to overwrite anything: if any of those files
// exists it writes nothing and returns an error wrapping fs.ErrExist that
// names them all.
func New(dir string) error {
	files, err := newFiles()
	if err != nil {
		return err
	}
	var exist []error
	for _, name := range sortedNames(files) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if _, err := os.Lstat(p); err == nil {
			exist = append(exist, fmt.Errorf("starter: %s: %w", p, fs.ErrExist))
		}
	}
	if len(exist) > 0 {
		return errors.Join(exist...)
	}
	if err := os.MkdirAll(filepath.Join(dir, "samples"), 0o755); err != nil {
		return fmt.Errorf("starter: %w", err)
	}
	for _, name := range sortedNames(files) {
		// O_EXCL: a file that appeared since the check above is not replaced.
		p := filepath.Join(dir, filepath.FromSlash(name))
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return fmt.Errorf("starter: %w", err)
		}
		_, err = f.Write(files[name])
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("starter: %w", err)
		}
	}
	return nil
}

func isDir(dir string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("starter: %w", err)
	}
	if !st.IsDir() {
		return fmt.Errorf("starter: %s is not a directory", dir)
	}
	return nil
}

// demoFiles returns the demo set's files by slash-separated name.
func demoFiles() (map[string][]byte, error) {
	files := map[string][]byte{
		"demo.toml": demoSet().toml(),
		"demo.perf": []byte(demoPerf),
	}
	for _, s := range demoSamples {
		b, err := encode(s.make())
		if err != nil {
			return nil, fmt.Errorf("starter: %s: %w", s.name, err)
		}
		files["samples/"+s.name] = b
	}
	return files, nil
}

func sortedNames(files map[string][]byte) []string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// encode quantizes a mono sound and returns it as a 16-bit WAV file.
func encode(s []float64) ([]byte, error) {
	var m memFile
	b := &audio.Buffer{Rate: rate, Channels: 1, Data: quantize(s)}
	if err := wav.Encode(&m, b, wav.Int16); err != nil {
		return nil, err
	}
	return m.buf, nil
}

// memFile is an in-memory io.WriteSeeker, so WAV files can be built before
// anything touches the disk.
type memFile struct {
	buf []byte
	off int64
}

func (m *memFile) Write(p []byte) (int, error) {
	if end := m.off + int64(len(p)); end > int64(len(m.buf)) {
		m.buf = append(m.buf, make([]byte, end-int64(len(m.buf)))...)
	}
	n := copy(m.buf[m.off:], p)
	m.off += int64(n)
	return n, nil
}

func (m *memFile) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		off += m.off
	case io.SeekEnd:
		off += int64(len(m.buf))
	default:
		return 0, errors.New("starter: bad whence")
	}
	if off < 0 {
		return 0, errors.New("starter: seek before the start")
	}
	m.off = off
	return off, nil
}
