package config

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gridbox/internal/atomicfile"
)

// ErrNoLast means no set has been remembered yet: the last-set file does
// not exist. Last's error then also satisfies errors.Is(err,
// fs.ErrNotExist).
var ErrNoLast = errors.New("no set played yet")

// lastTemp is the pattern of RememberLast's temporary files, beside the
// last-set file. Last never reads them.
const lastTemp = ".last-*.tmp"

// staleTemp is how old a temporary file must be for RememberLast to treat
// it as left over from an interrupted write, rather than as another
// writer's, and remove it.
const staleTemp = time.Minute

// RememberLast records setPath, made absolute, as the set played last, in
// the file LastFile in dir (usually LastDir(system); see the package doc).
// It creates dir if needed.
//
// The write is atomic: RememberLast writes a temporary file in dir, syncs
// it, renames it over the last-set file and syncs dir, so after a crash or
// power cut the file holds either the old path or the new one, whole. It
// also removes temporary files that earlier, interrupted calls left
// behind. It expects to be the only writer in dir; it runs on the control
// side.
func RememberLast(dir, setPath string) (err error) {
	if dir == "" {
		return errors.New("config: remember the last set: no folder for the last-set file")
	}
	if setPath == "" || strings.ContainsAny(setPath, "\x00\n\r") {
		return fmt.Errorf("config: remember the last set: %q is not a set file's path", setPath)
	}
	abs, err := filepath.Abs(setPath)
	if err != nil {
		return fmt.Errorf("config: remember the last set: %w", err)
	}
	if len(abs) > MaxPathLen {
		return fmt.Errorf("config: remember the last set: the path is %d bytes long; the limit is %d", len(abs), MaxPathLen)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("config: remember the last set: %w", err)
	}
	removeStaleTemps(dir)
	// 0644: the path is no secret, and a user may want to read what the
	// service will play.
	err = atomicfile.Write(filepath.Join(dir, LastFile), atomicfile.Options{Temp: lastTemp}, func(f *os.File) error {
		_, err := io.WriteString(f, abs+"\n")
		return err
	})
	if err != nil {
		return fmt.Errorf("config: remember the last set: %w", err)
	}
	return nil
}

// removeStaleTemps removes RememberLast's temporary files that are older
// than staleTemp: what a crash between CreateTemp and Rename leaves.
// Failures don't matter; the next call tries again.
func removeStaleTemps(dir string) {
	names, _ := filepath.Glob(filepath.Join(dir, lastTemp))
	for _, name := range names {
		if fi, err := os.Lstat(name); err == nil && fi.Mode().IsRegular() && time.Since(fi.ModTime()) > staleTemp {
			os.Remove(name)
		}
	}
}

// Last returns the path of the set played last, as RememberLast recorded it
// in dir. When nothing has been recorded, the error wraps ErrNoLast (and
// fs.ErrNotExist). A damaged file (empty, not one absolute path, too long)
// is an error too, never a wrong path. Last does not check that the set
// file still exists; loading it will. It runs on the control side.
func Last(dir string) (string, error) {
	name := filepath.Join(dir, LastFile)
	f, err := os.Open(name)
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("config: %w: %w", ErrNoLast, err)
	}
	if err != nil {
		return "", fmt.Errorf("config: last set: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxPathLen+2))
	if err != nil {
		return "", fmt.Errorf("config: last set: %w", err)
	}
	p, ok := strings.CutSuffix(string(data), "\n")
	if !ok || p == "" || len(p) > MaxPathLen || strings.ContainsAny(p, "\x00\n\r") || !filepath.IsAbs(p) {
		return "", fmt.Errorf("config: last set: %s is damaged (want one absolute path and a newline); playing a set rewrites it", name)
	}
	return p, nil
}
