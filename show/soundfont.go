package show

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"gridbox/audio"
	"gridbox/engine"
	"gridbox/sets"
	"gridbox/soundfont"
)

// soundFontDirs are the folders searched, after the set's own, for a
// soundfont instrument's file (issue 12): Debian's, other
// distributions', and the user's.
func soundFontDirs() []string {
	dirs := []string{"/usr/share/sounds/sf2", "/usr/share/soundfonts"}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".local", "share", "soundfonts"))
	}
	return dirs
}

// openFont reads the SoundFont name (a local path, as sets checked it):
// from fsys, the set's folder, else from the first system folder holding
// it, each opened as a root so the name cannot leave it.
func openFont(fsys fs.FS, dir, name string) (*soundfont.Font, error) {
	if f, err := readFont(fsys, path.Join(dir, name), name); !errors.Is(err, fs.ErrNotExist) {
		return f, err
	}
	for _, d := range soundFontDirs() {
		root, err := os.OpenRoot(d)
		if err != nil {
			continue
		}
		f, err := readFont(root.FS(), filepath.ToSlash(name), name)
		root.Close()
		if !errors.Is(err, fs.ErrNotExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("not in the set's folder nor in %s", joinOr(soundFontDirs()))
}

func readFont(fsys fs.FS, p, name string) (*soundfont.Font, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	ra, ok := f.(io.ReaderAt)
	if !ok || !st.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	return soundfont.Read(ra, st.Size(), name)
}

func joinOr(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	out := s[0]
	for _, x := range s[1 : len(s)-1] {
		out += ", " + x
	}
	return out + " or " + s[len(s)-1]
}

// loadSoundFonts opens the files of set's soundfont instruments (each file
// once: instruments on one file share its sample data, one bank sample
// appended to bank) and resolves their presets. It returns, per
// instrument, its engine.SoundFont (nil for other kinds and for unusable
// ones, which are problems placed at their file or preset and play
// silence), and the bytes the fonts' samples take. file is the set's path
// as the user gave it.
func loadSoundFonts(set *sets.Set, file string, fsys fs.FS, bank *engine.Bank) (fonts []*engine.SoundFont, problems []error, bytes int64) {
	type opened struct {
		f      *soundfont.Font
		sample int32
		err    error
	}
	byName := map[string]*opened{}
	fonts = make([]*engine.SoundFont, len(set.Instruments))
	for i := range set.Instruments {
		in := &set.Instruments[i]
		if in.Kind != "soundfont" || in.File == "" {
			continue
		}
		o := byName[in.File]
		if o == nil {
			o = &opened{sample: -1}
			o.f, o.err = openFont(fsys, path.Dir(set.File), in.File)
			if o.err == nil {
				o.sample = int32(len(bank.Samples))
				bank.Samples = append(bank.Samples, &audio.Buffer{Rate: fontRate(o.f), Channels: 1, PCM16: o.f.Data})
				bytes += 2 * int64(len(o.f.Data))
			}
			byName[in.File] = o
			if o.err != nil {
				problems = append(problems, &sets.Error{File: file, Pos: in.FilePos, Msg: fmt.Sprintf("soundfont %q: %v", in.File, o.err)})
			}
		}
		if o.err != nil {
			continue
		}
		p, ok := o.f.Preset(in.Bank, in.Preset)
		if !ok {
			problems = append(problems, &sets.Error{File: file, Pos: in.PresetPos, Msg: fmt.Sprintf("soundfont %q has no preset %d in bank %d", in.File, in.Preset, in.Bank)})
			continue
		}
		fonts[i] = engine.NewSoundFont(o.f, p, o.sample)
	}
	return fonts, problems, bytes
}

// fontRate is the rate a font's sample buffer is labelled with: its first
// sample's (each region plays at its own sample's rate).
func fontRate(f *soundfont.Font) int {
	if len(f.Samples) > 0 {
		return int(f.Samples[0].Rate)
	}
	return 44100
}
