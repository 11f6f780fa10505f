package sets

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"

	"gridbox/internal/spell"
	"gridbox/internal/tomlpos"
)

// Parse parses and checks the set file text data; file names it in errors and
// becomes Set.File. It checks the syntax, every key, type and range, and the
// references between scenes, tracks, clips and instruments, and that sample
// paths stay inside the set's folder, but it does not touch the file system
// (Load does).
//
// On any problem Parse returns a nil *Set and an Errors listing every problem
// it found, sorted by position. A syntax error or an over-deep or oversized
// file stops it early, so then there is only one.
//
// Parse runs on the control side; it never panics, whatever data holds.
func Parse(file string, data []byte) (*Set, error) {
	set, err := parse(file, data)
	if err != nil {
		return nil, err
	}
	return set, nil
}

// parse is Parse, but when the text is valid TOML it also returns the set as
// far as it could be decoded, next to the errors (for Check).
func parse(file string, data []byte) (*Set, error) {
	return decodeFile(file, data, MaxFileSize, (*decoder).decodeSet)
}

// decodeFile decodes file's text data with decode (a set's, a takes
// file's), then finds the positions of what it reported. When the text is
// valid TOML it returns what decode made, as far as it could, and every
// problem as an Errors; otherwise nil and the TOML error.
func decodeFile[T any](file string, data []byte, limit int, decode func(d *decoder, file string, raw map[string]any) *T) (*T, error) {
	if len(data) > limit {
		return nil, tooLarge(file, int64(len(data)), limit)
	}
	src := strings.TrimPrefix(string(data), "\uFEFF") // a byte-order mark
	raw, fail := tomlpos.Decode(src, tomlpos.Rules{
		MaxDepth: MaxDepth, Hint: syntaxHint, TooDeep: ErrTooDeep, Syntax: ErrSyntax,
	})
	if fail != nil {
		return nil, Errors{{File: file, Pos: Pos(fail.Pos), Msg: fail.Msg, Err: fail.Err}}
	}

	d := &decoder{}
	v := decode(d, file, raw)

	ix := tomlpos.NewIndex(false)
	for _, r := range d.reqs {
		ix.Want(r.n)
	}
	d.probs.Want(ix)
	tomlpos.Scan(src, MaxDepth, ix)
	for _, r := range d.reqs {
		if r.val {
			*r.dst = Pos(ix.Val(r.n))
		} else {
			*r.dst = Pos(ix.Key(r.n))
		}
	}
	if d.probs.Len() == 0 {
		return v, nil
	}
	var errs Errors
	for _, p := range d.probs.Resolve(ix, maxReported) {
		errs = append(errs, &Error{File: file, Pos: Pos(p.Pos), Msg: p.Msg})
	}
	return v, errs
}

// syntaxHint adds advice to the TOML parser's message msg for the slips
// musicians make most: text without quotes, and colours whose # starts a
// comment. lastKey is the dotted key the parser read last.
func syntaxHint(lastKey, msg string) string {
	key := tomlpos.LastKey(lastKey)
	if key == "" {
		key = "name"
	}
	if msg == "expected value but found '#' instead" {
		return fmt.Sprintf(`; # outside quotes starts a comment, so write %s = "#rrggbb"`, key)
	}
	return tomlpos.QuotesHint(key, msg)
}

func tooLarge(file string, size int64, limit int) Errors {
	mib := float64(size) / (1 << 20)
	s := fmt.Sprintf("%.1f MiB", mib)
	if s == fmt.Sprintf("%.1f MiB", float64(limit)/(1<<20)) {
		s = fmt.Sprintf("%d bytes", size)
	}
	what := "sets"
	if limit == MaxTakesSize {
		what = "takes files"
	}
	return Errors{{File: file, Msg: fmt.Sprintf("file is %s; %s are limited to %d MiB", s, what, limit>>20), Err: ErrTooLarge}}
}

// Load reads the set file name from fsys, parses it with Parse, and then
// checks through fsys that every sample it names is a readable file inside
// the set file's folder, and reads the MIDI file of every note clip that
// has one (the same way, confined to the folder), filling the clip's Notes
// and, without a length key, its Length (see MIDISource). Errors name the
// file as name.
//
// Pass an fsys that confines paths, such as (*os.Root).FS() for the folder
// holding the set: os.Root refuses symbolic links that lead out of it. When
// fsys implements fs.ReadLinkFS (os.Root and os.DirFS do), Load also follows
// symbolic links itself and rejects those that leave the set file's folder.
//
// Like Parse, Load returns every problem at once as an Errors. If the text is
// sound and the only problems are sample files that are missing, unreadable
// or outside the folder, or MIDI files that are so or malformed, Load returns
// the *Set as well as the error, so that a performance can go on without
// those clips (a note clip whose MIDI file failed has no notes, and a length
// of one bar unless it has a length key); the Errors' positions match the
// SampleRef positions from Set.Samples, or the MIDISource's Pos (TrackPos
// for a track the file does not have), the error's message naming the MIDI
// file and its problem with the byte offset (midi "riff.mid": track 2 at
// byte 344: running status with no status byte before it), and a missing
// file's error satisfies errors.Is(err, fs.ErrNotExist); a malformed MIDI
// file's wraps a midifile sentinel (midifile.ErrMalformed, …).
//
// Load does not decode the samples. It runs on the control side.
func Load(fsys fs.FS, name string) (*Set, error) {
	set, err := load(fsys, name)
	var errs Errors
	if err != nil && (!errors.As(err, &errs) || !samplesOnly(errs)) {
		return nil, err
	}
	return set, err
}

// Check is Load for callers that only report problems, such as "gridbox
// check": as long as the file is valid TOML it returns the set as far as it
// could be decoded together with every problem, including the samples' (so
// a caller can go on to decode the samples it names). A set returned with
// an error may break the rules this package otherwise guarantees: never play
// it.
func Check(fsys fs.FS, name string) (*Set, error) { return load(fsys, name) }

// samplesOnly reports whether every error is about a sample file.
func samplesOnly(errs Errors) bool {
	for _, e := range errs {
		if !e.Sample() {
			return false
		}
	}
	return true
}

func load(fsys fs.FS, name string) (*Set, error) {
	data, err := readLimited(fsys, name, MaxFileSize)
	if err != nil {
		return nil, err
	}
	set, err := parse(name, data)
	if set == nil {
		return nil, err
	}
	var errs Errors
	if err != nil {
		errs = err.(Errors)
		if len(errs) > maxReported {
			return set, err // already too many to show more
		}
	}
	bad := map[Pos]bool{} // sample paths Parse already rejected
	for _, e := range errs {
		bad[e.Pos] = true
	}
	for _, ref := range set.Samples() {
		if bad[ref.Pos] || ref.Sample == "" {
			continue
		}
		if err := checkSample(fsys, path.Dir(name), ref.Sample); err != nil {
			errs = append(errs, &Error{File: name, Pos: ref.Pos, Msg: fmt.Sprintf("sample %s: %s", spell.Quote(ref.Sample), sampleProblem(err)), Err: err, sample: true})
		}
	}
	errs = append(errs, readMIDI(fsys, name, set, bad)...)
	if len(errs) > 0 {
		return set, sortErrors(errs)
	}
	return set, nil
}

// readLimited reads name from fsys, refusing files over limit bytes
// (MaxFileSize, MaxTakesSize) before reading them (and if they grow while
// being read).
func readLimited(fsys fs.FS, name string, limit int) ([]byte, error) {
	fail := func(msg string, err error) ([]byte, error) {
		return nil, Errors{{File: name, Msg: msg, Err: err}}
	}
	if !fs.ValidPath(name) {
		return fail("not a valid file name: use a path relative to the file system, with / between folders", fs.ErrInvalid)
	}
	// A FIFO or a device would block the open or the read: look first
	// (the open below checks again, for one swapped in meanwhile).
	if fi, err := fs.Stat(fsys, name); err == nil && !fi.IsDir() && !fi.Mode().IsRegular() {
		return fail("is not a regular file", nil)
	}
	f, err := fsys.Open(name)
	if err != nil {
		return fail("cannot open the set: "+spell.Error(err), err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fail("cannot read the set: "+spell.Error(err), err)
	}
	switch {
	case fi.IsDir():
		return fail("is a folder, not a set file", nil)
	case !fi.Mode().IsRegular():
		return fail("is not a regular file", nil)
	}
	if fi.Size() > int64(limit) {
		return nil, tooLarge(name, fi.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return fail("cannot read the set: "+spell.Error(err), err)
	}
	if len(data) > limit {
		return nil, tooLarge(name, int64(len(data)), limit)
	}
	return data, nil
}

// errEscapes is the cause of "path escapes the set's folder" from Load.
var errEscapes = errors.New("path escapes the set's folder")

// errNotFile is the cause when a sample path names a folder or a device.
var errNotFile = errors.New("not a regular file")

// maxLinks bounds symbolic-link hops, as the operating system does.
const maxLinks = 40

// checkSample checks that sample (relative to dir, both slash paths valid for
// fsys) is a readable regular file inside dir.
func checkSample(fsys fs.FS, dir, sample string) error {
	f, err := openInside(fsys, dir, sample)
	if err != nil {
		return err
	}
	return f.Close()
}

// openInside opens p (relative to dir, both slash paths valid for fsys),
// which must be a regular file inside dir. It is how every file a set
// names (samples, MIDI files) is reached.
func openInside(fsys fs.FS, dir, p string) (fs.File, error) {
	resolved, err := resolveInside(fsys, dir, p)
	if err != nil {
		return nil, err
	}
	fi, err := fs.Stat(fsys, resolved)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		// Don't open it: opening a FIFO would block.
		return nil, errNotFile
	}
	return fsys.Open(resolved)
}

// resolveInside follows the symbolic links along dir/sample, when fsys can
// read them, and returns the path they lead to. It fails with errEscapes if
// the path (or a link on the way) leaves dir.
func resolveInside(fsys fs.FS, dir, sample string) (string, error) {
	if !fs.ValidPath(dir) {
		return "", errEscapes
	}
	rl, ok := fsys.(fs.ReadLinkFS)
	if !ok {
		return path.Join(dir, sample), nil
	}
	todo := strings.Split(sample, "/") // parts still to resolve
	var done []string                  // resolved parts, relative to dir
	for links := 0; len(todo) > 0; {
		part := todo[0]
		todo = todo[1:]
		switch part {
		case "", ".":
			continue
		case "..":
			if len(done) == 0 {
				return "", errEscapes
			}
			done = done[:len(done)-1]
			continue
		}
		p := path.Join(dir, path.Join(done...), part)
		fi, err := rl.Lstat(p)
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			done = append(done, part)
			continue
		}
		if links++; links > maxLinks {
			return "", fmt.Errorf("too many symbolic links")
		}
		target, err := rl.ReadLink(p)
		if err != nil {
			return "", err
		}
		if path.IsAbs(target) || strings.HasPrefix(target, `\`) || len(target) >= 2 && target[1] == ':' {
			return "", errEscapes
		}
		todo = append(strings.Split(target, "/"), todo...)
	}
	return path.Join(dir, path.Join(done...)), nil
}

// sampleProblem words a sample-file error for a musician.
func sampleProblem(err error) string { return fileProblem(err, "a sound file") }

// fileProblem words the error opening a file the set names for a
// musician; kind is what the file should be ("a sound file").
func fileProblem(err error, kind string) string {
	switch {
	case errors.Is(err, errEscapes):
		return "path escapes the set's folder"
	case errors.Is(err, errNotFile):
		return "not " + kind + " (it is a folder or a device)"
	case errors.Is(err, fs.ErrNotExist):
		return "file not found"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case strings.Contains(err.Error(), "path escapes from parent"):
		// os.Root refusing a symbolic link out of the root.
		return "path escapes the set's folder"
	}
	return "cannot read: " + spell.Error(err)
}
