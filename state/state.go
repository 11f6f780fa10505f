package state

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"gridbox/internal/atomicfile"
)

// DirName is the folder, beside the set files, that holds their state: the
// state of songs/live.toml lives in songs/.gridbox-state/. ForSet says so.
const DirName = ".gridbox-state"

// Defaults for the zero Options.
const (
	DefaultKeep    = 10       // generations kept, the newest included
	DefaultMaxSize = 64 << 20 // bytes of payload: state, not recordings
)

// Options tune a Store. The zero value is ready to use.
type Options struct {
	// Keep is how many generations Save keeps, the new one included; older
	// ones are removed once the new one is durable. 0 means DefaultKeep.
	// With 1 there is nothing to fall back on if the newest is damaged.
	Keep int

	// MaxSize is the largest payload, in bytes, that Save writes and Load
	// reads. It bounds what Load allocates. 0 means DefaultMaxSize.
	MaxSize int64
}

// A Store keeps the generations of one state file, name, in the folder dir.
// See the package doc for the files and the threads.
type Store struct {
	dir, name string
	keep      int
	maxSize   int64

	// mu serialises Save and Load. A Store has one owning goroutine; the
	// lock only turns a misuse into waiting instead of a race on last.
	mu   sync.Mutex
	last int // the highest generation number seen on disk or taken by Save
}

// ForSet returns the folder and the name that Open takes for the state of the
// set file at setPath: for songs/live.toml, songs/.gridbox-state and
// live.toml.
func ForSet(setPath string) (dir, name string) {
	return filepath.Join(filepath.Dir(setPath), DirName), filepath.Base(setPath)
}

// Open returns the Store for the state file name in the folder dir, creating
// the folder if need be (and syncing its parent, so that it survives a power
// cut). It removes the temporary files that a Save interrupted by a crash or
// a power cut left behind. Open reads nothing else: Load does.
//
// name is a file name, not a path: no "/", at most 200 bytes.
func Open(dir, name string, opts Options) (*Store, error) {
	if err := checkName(name); err != nil {
		return nil, fmt.Errorf("state: name %q: %w", name, err)
	}
	s := &Store{dir: dir, name: name, keep: opts.Keep, maxSize: opts.MaxSize}
	switch {
	case s.keep == 0:
		s.keep = DefaultKeep
	case s.keep < 0:
		return nil, fmt.Errorf("state: Options.Keep is %d; want 1 or more, or 0 for %d", s.keep, DefaultKeep)
	}
	switch {
	case s.maxSize == 0:
		s.maxSize = DefaultMaxSize
	case s.maxSize < 0:
		return nil, fmt.Errorf("state: Options.MaxSize is %d; want 1 or more, or 0 for %d", s.maxSize, DefaultMaxSize)
	case s.maxSize > math.MaxInt-maxHeaderLen:
		s.maxSize = math.MaxInt - maxHeaderLen // what a slice can hold on a 32-bit Pi OS
	}
	if err := makeDir(dir); err != nil {
		return nil, fmt.Errorf("state: folder %s: %w", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("state: %w", err)
	}
	for _, e := range entries {
		kind, gen := s.parse(e.Name())
		switch kind {
		case fileTemp:
			// An orphan: its Save was interrupted before the rename, so
			// it was never a generation and nothing refers to it.
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("state: removing an interrupted save's temporary file: %w", err)
			}
		case fileGen, fileCorrupt:
			s.last = max(s.last, gen)
		}
	}
	return s, nil
}

// Save writes data as a new generation, atomically and durably, then removes
// the generations older than the newest Options.Keep. It runs on the Store's
// owning goroutine; it blocks on disk writes and fsyncs (tens of milliseconds
// on an SD card), so never call it from the audio thread. data is not
// retained, and must not change during the call.
//
// The steps, and why each is there:
//
//  1. write header and data to a new temporary file in the same folder
//     (.NAME.RANDOM.tmp), so that the rename below stays in one file system;
//  2. fsync it, so its bytes are on the disk before any name points at them;
//  3. read it back and check both checksums;
//  4. rename it to the new generation's name, which exists nowhere else,
//     so no other generation is touched;
//  5. fsync the folder, so the new name survives a power cut;
//  6. only now remove the generations past Keep.
//
// If Save returns nil, the new generation is durable. If it fails before step
// 4, no generation changed and the temporary file is removed. If only the
// folder fsync fails, the new generation exists but may not survive a power
// cut. If only step 6 fails, the error wraps ErrPrune and the new generation
// is durable. Errors name the file.
func (s *Store) Save(data []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if int64(len(data)) > s.maxSize {
		return fmt.Errorf("state: save %s: %w: payload of %d bytes, the limit is %d (Options.MaxSize)",
			filepath.Join(s.dir, s.name), ErrTooLarge, len(data), s.maxSize)
	}
	gens, err := s.scan()
	if err != nil {
		return fmt.Errorf("state: save %s: %w", filepath.Join(s.dir, s.name), err)
	}
	// A number is never used twice, even after a failed Save or with the
	// old file moved aside as corrupt.
	s.last++
	gen := s.last
	final := s.genPath(gen)
	if err := s.write(final, data); err != nil {
		return fmt.Errorf("state: save %s: %w", final, err)
	}
	gens = append(gens, gen)
	var errs []error
	for _, g := range gens[:max(0, len(gens)-s.keep)] {
		if err := os.Remove(s.genPath(g)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("state: saved %s, but %w: %w", final, ErrPrune, errors.Join(errs...))
	}
	return nil
}

// write does steps 1 to 5 of Save.
func (s *Store) write(final string, data []byte) error {
	f, tmp, err := s.createTemp()
	if err != nil {
		return err
	}
	renamed := false
	defer func() {
		if f != nil {
			f.Close()
		}
		if !renamed {
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(appendHeader(nil, data)); err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	// The read comes from the page cache: it checks what the kernel was
	// given (a save that silently wrote nothing, MPE-Sound-Module#121),
	// not the card; Load after a restart checks what the card kept.
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if _, err := decode(f, fi.Size(), s.maxSize, false); err != nil {
		return fmt.Errorf("reading back %s: %w", tmp, err)
	}
	err, f = f.Close(), nil
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		return err
	}
	renamed = true
	if err := atomicfile.SyncDir(s.dir); err != nil {
		return fmt.Errorf("saved, but it may not survive a power cut: %w", err)
	}
	return nil
}

// createTemp creates a new empty temporary file for Save, named so that Open
// sweeps it and nothing else.
func (s *Store) createTemp() (*os.File, string, error) {
	for i := 0; ; i++ {
		tmp := filepath.Join(s.dir, fmt.Sprintf(".%s.%016x.tmp", s.name, rand.Uint64()))
		f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil || !errors.Is(err, fs.ErrExist) || i == 100 {
			return f, tmp, err
		}
	}
}

// Load returns the payload of the newest valid generation and its number
// (generations count from 1). It runs on the Store's owning goroutine, at
// start-up or before a Save; it reads whole files, so not on the audio
// thread. The payload is the caller's.
//
// Each generation it could not use, newest first, is a *Problem in problems:
// a corrupt one (ErrCorrupt) is moved aside to NAME.GEN.state.corrupt (with
// .2, .3, … added rather than replace an older one) and never deleted or
// written; one from a newer gridbox (ErrFutureVersion), one over
// Options.MaxSize (ErrTooLarge) or one it could not read is left in place.
// Load then tries the next older generation.
//
// With no valid generation at all, Load returns nil, 0, the problems (nil for
// a state never saved) and a nil error. err is for a folder it could not
// read.
func (s *Store) Load() (data []byte, gen int, problems []error, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	gens, err := s.scan()
	if err != nil {
		return nil, 0, nil, fmt.Errorf("state: load %s: %w", filepath.Join(s.dir, s.name), err)
	}
	moved := false
	defer func() {
		// Not needed for safety (a lost move is redone by the next Load),
		// but it saves doing it again after a power cut.
		if moved {
			atomicfile.SyncDir(s.dir)
		}
	}()
	for _, g := range slices.Backward(gens) {
		path := s.genPath(g)
		data, err := s.read(path)
		if err == nil {
			return data, g, problems, nil
		}
		p := &Problem{File: path, Gen: g, Err: err}
		if errors.Is(err, ErrCorrupt) {
			p.MovedTo, p.MoveErr = moveAside(path)
			moved = moved || p.MovedTo != ""
		}
		problems = append(problems, p)
	}
	return nil, 0, problems, nil
}

// read returns the payload of the generation at path.
func (s *Store) read(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return decode(f, fi.Size(), s.maxSize, true)
}

// moveAside renames the corrupt file at path to path.corrupt, or to
// path.corrupt.2, .3 and so on if that exists: never over another file. (With
// one writer per folder, nothing else creates these names between the Lstat
// and the rename.)
func moveAside(path string) (string, error) {
	for i := 1; i <= 1000; i++ {
		to := path + ".corrupt"
		if i > 1 {
			to += "." + strconv.Itoa(i)
		}
		if _, err := os.Lstat(to); err == nil {
			continue
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		if err := os.Rename(path, to); err != nil {
			return "", err
		}
		return to, nil
	}
	return "", errors.New("1000 files already moved aside under its name")
}

// scan lists the generation numbers on disk, oldest first, and raises last
// to the highest number of any generation, corrupt ones included.
func (s *Store) scan() ([]int, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, err
	}
	var gens []int
	for _, e := range entries {
		kind, gen := s.parse(e.Name())
		if kind == fileGen || kind == fileCorrupt {
			s.last = max(s.last, gen)
		}
		if kind == fileGen && e.Type().IsRegular() {
			gens = append(gens, gen)
		}
	}
	slices.Sort(gens)
	return gens, nil
}

// The kinds of file in a Store's folder.
const (
	fileOther   = iota // not this Store's: another set's, or the user's
	fileGen            // NAME.GEN.state
	fileCorrupt        // NAME.GEN.state.corrupt, NAME.GEN.state.corrupt.N
	fileTemp           // .NAME.RANDOM.tmp (RANDOM is 16 hex digits)
)

// parse says which kind of file base is, and its generation number.
func (s *Store) parse(base string) (kind, gen int) {
	if rest, ok := strings.CutPrefix(base, s.name+"."); ok {
		digits, suffix, ok := strings.Cut(rest, ".")
		gen, err := strconv.Atoi(digits)
		if !ok || err != nil || gen <= 0 || strings.TrimLeft(digits, "0123456789") != "" {
			return fileOther, 0
		}
		switch {
		case suffix == "state":
			return fileGen, gen
		case suffix == "state.corrupt" || strings.HasPrefix(suffix, "state.corrupt."):
			return fileCorrupt, gen
		}
		return fileOther, 0
	}
	if rest, ok := strings.CutPrefix(base, "."+s.name+"."); ok {
		hex, ok := strings.CutSuffix(rest, ".tmp")
		if ok && len(hex) == 16 && strings.Trim(hex, "0123456789abcdef") == "" {
			return fileTemp, 0
		}
	}
	return fileOther, 0
}

// genPath is the path of generation gen.
func (s *Store) genPath(gen int) string {
	return filepath.Join(s.dir, fmt.Sprintf("%s.%010d.state", s.name, gen))
}

// checkName reports whether name can name a state file.
func checkName(name string) error {
	switch {
	case name == "" || name == "." || name == "..":
		return errors.New("not a file name")
	case strings.ContainsAny(name, "/\x00") || strings.ContainsRune(name, filepath.Separator):
		return errors.New("a file name, not a path")
	case len(name) > 200:
		return fmt.Errorf("%d bytes long; at most 200", len(name))
	}
	return nil
}

// makeDir creates dir and any missing parents, syncing the parent of each
// folder it creates so that the new entry survives a power cut.
func makeDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case err == nil && fi.IsDir():
		return nil
	case err == nil:
		return errors.New("not a folder")
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := makeDir(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return atomicfile.SyncDir(parent)
}
