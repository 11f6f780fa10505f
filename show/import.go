package show

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"gridbox/internal/atomicfile"
	"gridbox/internal/spell"
	"gridbox/midifile"
	"gridbox/sets"
	"gridbox/soundfont"
)

// DefaultFont is the SoundFont "gridbox import" names unless told
// another: General MIDI in 6 MB, Debian's timgm6mb-soundfont, which
// scripts/setup.sh installs into /usr/share/sounds/sf2 (make run included).
const DefaultFont = "TimGM6mb.sf2"

// drumChannel is General MIDI's percussion channel; its program selects a
// kit in bank 128 (SoundFont 2 §7.2).
const drumChannel = 10

// An ImportConfig is what "gridbox import" asks for.
type ImportConfig struct {
	MIDI  string // the Standard MIDI File
	Dir   string // -o: the set's folder, created if missing
	Font  string // --font: the SoundFont; "" = DefaultFont
	Force bool   // replace the set (and the files it names) in Dir
}

// ErrExists is Import's error when Dir holds the set, or another file by
// the name of one Import writes, and Force is not set.
var ErrExists = errors.New("exists")

// Import writes a set that plays the Standard MIDI File c.MIDI into
// c.Dir: one track per MIDI channel with notes (in channel order), each
// with a clip in scene 0 that takes that channel's notes from the file
// (midi and channel keys: the file is copied into c.Dir beside the set,
// NAME.toml for NAME.mid) and a soundfont instrument of c.Font playing
// the channel's program (the one in effect at its first note; channel 10
// a General MIDI drum kit, bank 128); the set's tempo and time signature
// are the file's first. What the set cannot hold (tempo changes,
// programs changing mid-song) is said on e.Stderr as warnings and in the
// set's opening comment. The summary goes to e.Stdout.
//
// The font is looked for as a soundfont instrument's file is (in c.Dir,
// then the system's SoundFont folders), then as a path from the current
// folder: into a system folder, it is named as there; elsewhere, the file
// is copied into c.Dir. Nothing is written unless the MIDI
// file parses and the font has the presets. Files are written atomically,
// the set last, only over regular files, and an existing set, or another
// file where a copy goes, is replaced only with c.Force (ErrExists
// otherwise). Every error names its file. It returns the set's path.
func Import(e *Env, c ImportConfig) (string, error) {
	data, err := readMIDIFile(c.MIDI)
	if err != nil {
		return "", err
	}
	file, err := midifile.Parse(data, midifile.Filter{})
	if err != nil {
		return "", fmt.Errorf("%s: %w", c.MIDI, err)
	}
	midiName := localName(filepath.Base(c.MIDI))
	stem := strings.TrimSuffix(midiName, filepath.Ext(midiName))
	if stem == "" {
		stem = "song"
	}
	setName := stem + ".toml"
	if setName == midiName {
		setName = stem + ".set.toml"
	}
	if c.Font == "" {
		c.Font = DefaultFont
	}
	font, fontName, fontSrc, err := findImportFont(c.Dir, c.Font)
	if err != nil {
		return "", err
	}
	im, err := planImport(file, font, midiName, fontName, stem)
	if err != nil {
		return "", fmt.Errorf("%s: %w", c.MIDI, err)
	}
	text := im.toml(setName)
	if _, err := sets.Parse(setName, text); err != nil {
		// A bug here, not the user's: say it plainly rather than write it.
		return "", fmt.Errorf("import wrote a set gridbox cannot read (a bug; please report it with %s): %w", c.MIDI, err)
	}

	// Everything is read and checked: now the folder and the files, each
	// checked before any is written so that a refusal writes nothing.
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return "", err
	}
	type output struct {
		name string
		data []byte
		src  string // the file copied, to skip copying it onto itself
	}
	outs := []output{{name: midiName, data: data, src: c.MIDI}}
	if fontSrc != "" {
		fdata, err := os.ReadFile(fontSrc)
		if err != nil {
			return "", err
		}
		outs = append(outs, output{name: fontName, data: fdata, src: fontSrc})
	}
	outs = append(outs, output{name: setName, data: text}) // last: it names the others
	write := make([]bool, len(outs))
	for i, o := range outs {
		dst := filepath.Join(c.Dir, o.name)
		same, err := checkImportTarget(dst, o.src, o.data, c.Force)
		if err != nil {
			return "", err
		}
		write[i] = !same
	}
	for i, o := range outs {
		if !write[i] {
			continue
		}
		dst := filepath.Join(c.Dir, o.name)
		err := atomicfile.Write(dst, atomicfile.Options{}, func(f *os.File) error {
			_, err := f.Write(o.data)
			return err
		})
		if err != nil {
			return "", fmt.Errorf("%s: %w", dst, err)
		}
	}
	setPath := filepath.Join(c.Dir, setName)
	for _, w := range im.warnings {
		fmt.Fprintf(e.Stderr, "gridbox import: warning: %s\n", w)
	}
	fmt.Fprintf(e.Stdout, "wrote %s: %s from %s at %s, %s\nplay it:   gridbox play %s\nrender it: gridbox render %s -o %s\n",
		setPath, spell.Count(len(im.tracks), "track"), midiName, formatTempo(im.tempo), fontName, shellWord(setPath), shellWord(setPath), shellWord(stem+".wav"))
	return setPath, nil
}

// shellWord quotes s for a shell command line when it needs it, so that
// the commands Import suggests can be pasted as they are.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./+,:=@%") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// readMIDIFile reads the MIDI file name, refusing what is not a regular
// file (a FIFO would block) or is over midifile.MaxSize.
func readMIDIFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, unwrapPath(err))
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, unwrapPath(err))
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is %s, not a MIDI file", name, atomicfile.Describe(fi.Mode()))
	}
	data, err := io.ReadAll(io.LimitReader(f, midifile.MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, unwrapPath(err))
	}
	return data, nil
}

// unwrapPath drops the operation and path an *fs.PathError repeats: the
// callers name the file themselves.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// checkImportTarget says whether dst already is what Import would write
// there (src itself, or the same bytes: no need to write it), or fails
// when dst is something else: not a regular file (never replaced), or
// another file, or a symbolic link leading nowhere, without force.
func checkImportTarget(dst, src string, data []byte, force bool) (same bool, err error) {
	target, err := atomicfile.Resolve(dst)
	if err != nil {
		return false, fmt.Errorf("%s: %w", dst, unwrapPath(err))
	}
	fi, err := os.Lstat(target)
	if errors.Is(err, fs.ErrNotExist) {
		if target != dst && !force {
			// A dangling link: writing through it would make a file
			// wherever it points, outside the folder maybe.
			return false, fmt.Errorf("%s %w (a symbolic link to %s, which does not exist): give -o another folder, or --force to write there", dst, ErrExists, target)
		}
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("%s: %w", dst, unwrapPath(err))
	}
	if !fi.Mode().IsRegular() {
		return false, &atomicfile.NotRegularError{Name: dst, Path: target, Mode: fi.Mode()}
	}
	if src != "" {
		if si, err := os.Stat(src); err == nil && os.SameFile(fi, si) {
			return true, nil
		}
	}
	if old, err := os.ReadFile(target); err == nil && bytes.Equal(old, data) {
		return true, nil
	}
	if !force {
		return false, fmt.Errorf("%s %w: give -o another folder, or --force to replace it", dst, ErrExists)
	}
	return false, nil
}

// findImportFont finds and reads the SoundFont font for a set in dir: as
// a soundfont instrument's file is found (in dir, then the system's
// folders), else as a path from the current folder, to be copied into
// dir (src). name is what the set's file key says.
func findImportFont(dir, font string) (f *soundfont.Font, name, src string, err error) {
	if filepath.IsLocal(font) && !strings.ContainsAny(font, "\\\x00") { // a name a set's file key takes
		var fsys fs.FS = emptyFS{}
		if root, err := os.OpenRoot(dir); err == nil {
			defer root.Close()
			fsys = root.FS()
		}
		f, err := openFont(fsys, ".", font)
		if err == nil {
			return f, font, "", nil
		}
		if fi, serr := os.Stat(font); serr != nil || !fi.Mode().IsRegular() {
			return nil, "", "", fmt.Errorf("--font %s: %v%s", font, err, fontHint(font))
		}
	}
	// A path into a system folder is named as a set names it there,
	// rather than copied: the set then finds it as any set does.
	if abs, err := filepath.Abs(font); err == nil {
		for _, d := range soundFontDirs() {
			if filepath.Dir(abs) == filepath.Clean(d) {
				if f, err := openFont(emptyFS{}, ".", filepath.Base(abs)); err == nil {
					return f, filepath.Base(abs), "", nil
				}
			}
		}
	}
	f, err = soundfont.Open(font)
	if err != nil {
		return nil, "", "", fmt.Errorf("--font %s: %w", font, unwrapPath(err))
	}
	return f, localName(filepath.Base(font)), font, nil
}

// fontHint says how to get the default font when it is missing.
func fontHint(font string) string {
	if font != DefaultFont {
		return ""
	}
	return " (install it: sudo apt-get install timgm6mb-soundfont, or give --font a .sf2 file)"
}

// emptyFS is a folder with nothing in it: the set's, before it exists.
type emptyFS struct{}

func (emptyFS) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// localName makes a file's base name one a set can name (sets'
// checkFilePath): a backslash is not a folder separator there, and a
// name whose second character is a colon reads as a Windows drive
// ("C:x.mid" is refused as absolute), so it becomes an underscore.
func localName(base string) string {
	s := strings.Map(func(r rune) rune {
		if r == '\\' || r == 0 {
			return '_'
		}
		return r
	}, base)
	if len(s) >= 2 && s[1] == ':' {
		s = s[:1] + "_" + s[2:]
	}
	return s
}

// An imported set, before it is written.
type imported struct {
	name, midi, font string
	tempo            float64
	meter            [2]int
	tracks           []importTrack
	warnings         []string
}

type importTrack struct {
	name, instrument string
	channel          int
	bank, preset     int
	kit              string // the drum kit's name, for a comment
}

// drumKits are the General MIDI (GS) drum kits by program.
var drumKits = map[int]string{0: "Standard Kit", 8: "Room Kit", 16: "Power Kit", 24: "Electronic Kit",
	25: "TR-808 Kit", 32: "Jazz Kit", 40: "Brush Kit", 48: "Orchestra Kit", 56: "SFX Kit"}

// planImport chooses the set's tracks, sounds and tempo for file.
func planImport(file *midifile.File, font *soundfont.Font, midiName, fontName, stem string) (*imported, error) {
	var used uint16
	for _, m := range file.Channels {
		used |= m
	}
	if used == 0 {
		return nil, errors.New("the file has no notes: nothing to import")
	}
	im := &imported{name: stem, midi: midiName, font: fontName, tempo: 120, meter: [2]int{4, 4}}
	if len(file.Tempos) > 0 {
		im.tempo = math.Round(file.Tempos[0].BPM()*1e4) / 1e4
		if t := file.Tempos[0]; t.At > 0 && t.MicrosPerBeat != 500000 {
			// Before its first tempo event a file plays at 120 BPM (SMF
			// 1.0), FluidSynth too: every note after it comes at
			// another time than the set plays it.
			im.warnings = append(im.warnings, fmt.Sprintf("the file plays at 120 BPM (MIDI's default) until its first tempo, %s at beat %s; the set plays at %s from the start (the notes keep their beats)",
				formatTempo(im.tempo), strconv.FormatFloat(t.At, 'f', -1, 64), formatTempo(im.tempo)))
		}
		if n := distinctTempos(file.Tempos); n > 1 {
			im.warnings = append(im.warnings, fmt.Sprintf("the file has %d tempos; the set plays at its first, %s, throughout (the notes keep their beats)", n, formatTempo(im.tempo)))
		}
		if im.tempo < 20 || im.tempo > 999 {
			t := min(max(im.tempo, 20), 999)
			im.warnings = append(im.warnings, fmt.Sprintf("the file's tempo %s is outside a set's 20..999: the set plays at %s", formatTempo(im.tempo), formatTempo(t)))
			im.tempo = t
		}
	}
	if len(file.Meters) > 0 {
		m := file.Meters[0]
		if m.Num <= 32 && m.Den <= 32 {
			im.meter = [2]int{m.Num, m.Den}
		} else {
			im.warnings = append(im.warnings, fmt.Sprintf("time signature %d/%d is more than a set holds: the set is in 4/4", m.Num, m.Den))
		}
	}
	// What a clip cannot hold is refused here rather than written into a
	// set that cannot play it.
	bpb := float64(im.meter[0]) * 4 / float64(im.meter[1])
	if beats := max(1, math.Ceil(file.Length/bpb)) * bpb; beats > sets.MaxBeats {
		return nil, fmt.Errorf("the song is %s beats long (whole bars); a clip is at most %d", spell.Number(beats), sets.MaxBeats)
	}
	var perChannel [17]int
	for _, n := range file.Notes {
		if perChannel[n.Channel]++; perChannel[n.Channel] > sets.MaxNotes {
			return nil, fmt.Errorf("channel %d has more than %d notes, the most a clip holds", n.Channel, sets.MaxNotes)
		}
	}
	// The song's title is the sequence name: the first track's name in
	// format 0, or in format 1 when it is the conductor track (no notes);
	// else the name is a part's.
	if len(file.Names) > 0 && (file.Format == 0 || file.Channels[0] == 0) {
		if n := textName(file.Names[0]); n != "" {
			im.name = n
		}
	}
	instruments := map[string]bool{}
	for _, ch := range midifile.ChannelList(used) {
		prog, changes := channelProgram(file, ch)
		t := importTrack{channel: ch, preset: prog}
		if ch == drumChannel {
			t.bank = 128
			if _, ok := font.Preset(128, prog); !ok {
				if prog != 0 {
					im.warnings = append(im.warnings, fmt.Sprintf("channel 10's drum kit %d is not in %s: its track plays kit 0, as FluidSynth does", prog, fontName))
				}
				t.preset = 0
			}
			t.kit = drumKits[t.preset]
			if t.kit == "" {
				t.kit = "Drum Kit " + strconv.Itoa(t.preset)
			}
			t.instrument = t.kit
		} else {
			if _, ok := font.Preset(0, prog); !ok {
				im.warnings = append(im.warnings, fmt.Sprintf("channel %d's program %d (%s) is not in %s: its track plays program 0", ch, prog+1, soundfont.ProgramName(prog), fontName))
				t.preset = 0
			}
			t.instrument = soundfont.ProgramName(t.preset)
		}
		if _, ok := font.Preset(t.bank, t.preset); !ok {
			return nil, fmt.Errorf("channel %d: %s has no preset %d in bank %d: give --font a General MIDI SoundFont", ch, fontName, t.preset, t.bank)
		}
		if changes > 0 {
			im.warnings = append(im.warnings, fmt.Sprintf("channel %d changes program %s; its track plays %s throughout", ch, spell.Count(changes, "time"), t.instrument))
		}
		base := t.instrument
		for n := 2; instruments[t.instrument]; n++ {
			t.instrument = base + " " + strconv.Itoa(n)
		}
		instruments[t.instrument] = true
		t.name = channelName(file, ch)
		if t.name == "" {
			t.name = base
			if ch == drumChannel {
				t.name = "Drums"
			}
		}
		im.tracks = append(im.tracks, t)
	}
	return im, nil
}

// distinctTempos counts the tempos a file plays at, a change to the same
// tempo not counted.
func distinctTempos(ts []midifile.Tempo) int {
	n := 0
	for i, t := range ts {
		if i == 0 || t.MicrosPerBeat != ts[i-1].MicrosPerBeat {
			n++
		}
	}
	return n
}

// channelProgram returns the program channel ch plays at its first note
// (the last program change at or before it; else its first program
// change, for a file that sets it late; else 0) and how many times the
// program changes after that.
func channelProgram(file *midifile.File, ch int) (prog, changes int) {
	first := math.Inf(1)
	for _, n := range file.Notes {
		if int(n.Channel) == ch {
			first = n.At
			break
		}
	}
	var progs []int
	chosen := 0
	for _, p := range file.Programs {
		if int(p.Channel) == ch {
			if p.At <= first {
				chosen = len(progs)
			}
			progs = append(progs, int(p.Program))
		}
	}
	if len(progs) == 0 {
		return 0, 0
	}
	prog = progs[chosen]
	for i := chosen + 1; i < len(progs); i++ {
		if progs[i] != progs[i-1] {
			changes++
		}
	}
	return prog, changes
}

// channelName returns the name of the file's track holding channel ch's
// notes when one track holds them all and no other channel's; else "".
func channelName(file *midifile.File, ch int) string {
	bit := uint16(1) << (ch - 1)
	name := ""
	for i, m := range file.Channels {
		if m&bit == 0 {
			continue
		}
		if name != "" || m != bit || i >= len(file.Names) {
			return ""
		}
		if name = textName(file.Names[i]); name == "" {
			return ""
		}
	}
	return name
}

// textName makes a MIDI file's text a name: UTF-8 as it is, other bytes
// read as Latin-1 (what old sequencers wrote), control characters
// dropped, spaces trimmed, at most sets.MaxNameLen characters.
func textName(s string) string {
	if !utf8.ValidString(s) {
		r := make([]rune, len(s))
		for i := range len(s) {
			r[i] = rune(s[i])
		}
		s = string(r)
	}
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s))
	if r := []rune(s); len(r) > sets.MaxNameLen {
		s = strings.TrimSpace(string(r[:sets.MaxNameLen]))
	}
	return s
}

// commentText makes s safe inside a TOML comment: one line, no control
// characters.
func commentText(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return '?'
		}
		return r
	}, s)
}

// toml writes the set file, to be saved as setName.
func (im *imported) toml(setName string) []byte {
	var b strings.Builder
	line := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	q := sets.QuoteString
	line("# %s: imported from %s by \"gridbox import\".", commentText(setName), commentText(im.midi))
	line("# One track per MIDI channel of the file; each track's clip takes that")
	line("# channel's notes from %s (midi and channel: gridbox reads the file", commentText(im.midi))
	line("# again whenever it loads the set, so edit the notes in a MIDI editor),")
	line("# played by a General MIDI preset of %s. Scene 0 plays the whole", commentText(im.font))
	line("# song once; loop = true repeats it.")
	if len(im.warnings) > 0 {
		line("#")
		line("# Not imported:")
		for _, w := range im.warnings {
			line("# - %s", commentText(w))
		}
	}
	line("")
	line("name = %s", q(im.name))
	line("tempo = %s", strconv.FormatFloat(im.tempo, 'f', -1, 64))
	line("time_signature = [%d, %d]", im.meter[0], im.meter[1])
	line("")
	line("[[scene]]")
	line("name = %s", q(im.name))
	for _, t := range im.tracks {
		line("")
		line("[[track]]")
		line("name = %s", q(t.name))
		line("instrument = %s", q(t.instrument))
		line("")
		line("  [[track.clip]]")
		line("  scene = 0")
		line("  midi = %s", q(im.midi))
		line("  channel = %d", t.channel)
		line("  loop = false")
	}
	for _, t := range im.tracks {
		line("")
		line("[[instrument]]")
		line("name = %s", q(t.instrument))
		line("kind = \"soundfont\"")
		line("file = %s", q(im.font))
		if t.bank == 0 {
			line("program = %s", q(soundfont.ProgramName(t.preset)))
			continue
		}
		line("bank = %d", t.bank)
		line("preset = %d  # %s", t.preset, t.kit)
	}
	return []byte(b.String())
}
