package show

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"gridbox/internal/spell"
	"gridbox/sets"
)

// A takes file holds what was recorded and edited on stage (sets.Takes),
// beside the set: NAME.takes.toml. Loading a set lays it over the set.
// When it does not parse, the musician is told where (FILE:LINE:COL, as a
// set's problems) and the set plays without it; gridbox then never writes
// over that file, whose takes may still be recovered by hand, and saves
// the new ones to the first free NAME.takes.N.toml (N = 1, 2, …) instead,
// which is not read back: fixing NAME.takes.toml (or renaming the newer
// file over it) brings the takes back.

// readTakes reads the takes file of the set at file (a path as the user
// gave it; base is its name in fsys, the set's folder) and lays it over
// set. It returns the set to play, the takes laid over it (nil: none), the
// takes file's problems (its text: then the set is returned as it was; or
// its samples: their clips are silent) and warnings (takes the set no
// longer has a place for), and the path where this session's takes are to
// be saved (loaded.Takes).
func readTakes(fsys fs.FS, file, base string, set *sets.Set) (merged *sets.Set, tk *sets.Takes, problems, warnings []error, saveTo string) {
	saveTo = sets.TakesPath(file)
	tk, err := sets.LoadTakes(fsys, sets.TakesPath(base))
	if tk == nil && errors.Is(err, fs.ErrNotExist) {
		return set, nil, nil, nil, saveTo
	}
	var errs sets.Errors
	if errors.As(err, &errs) {
		for _, e := range errs {
			e.File = saveTo
			problems = append(problems, e)
		}
	} else if err != nil {
		problems = append(problems, fmt.Errorf("%s: %w", saveTo, err))
	}
	if tk == nil {
		spare := spareTakesPath(saveTo)
		problems = append(problems, &sets.Error{File: saveTo, Msg: fmt.Sprintf(
			"the set plays without these takes; gridbox leaves this file alone and saves new takes to %s until it is fixed", spare)})
		return set, nil, problems, nil, spare
	}
	merged, warnings = layTakes(set, tk, saveTo)
	return merged, tk, problems, warnings, saveTo
}

// layTakes lays tk over set (sets.Merge); its warnings name file, where
// the takes are kept.
func layTakes(set *sets.Set, tk *sets.Takes, file string) (*sets.Set, []error) {
	merged, ws := sets.Merge(set, tk)
	for _, w := range ws {
		if e, ok := w.(*sets.Error); ok {
			e.File = file
		}
	}
	return merged, ws
}

// spareTakesPath returns the first NAME.takes.N.toml beside the takes
// file takes that does not exist (or cannot be looked at: saving there
// then says why).
func spareTakesPath(takes string) string {
	stem := strings.TrimSuffix(takes, ".toml")
	for n := 1; ; n++ {
		p := stem + "." + strconv.Itoa(n) + ".toml"
		if _, err := os.Lstat(p); err != nil {
			return p
		}
	}
}

// sampleFile returns the path, as the user gave it, of the file where r
// is written: the set at file, or its takes file.
func sampleFile(set *sets.Set, file string, r sets.SampleRef) string {
	if r.File == "" || r.File == set.File {
		return file
	}
	return filepath.Join(filepath.Dir(file), filepath.Base(r.File))
}

// MergedPath returns where "gridbox takes merge" writes the set at file
// with its takes: NAME.merged.toml beside NAME.toml.
func MergedPath(file string) string {
	return strings.TrimSuffix(file, filepath.Ext(file)) + ".merged.toml"
}

// ErrNoTakes is MergeTakes's error when the set has no takes file.
var ErrNoTakes = errors.New("no takes file")

// MergeTakes folds the takes file of the set at file into a copy of the
// set, written atomically to MergedPath(file), for the musician to edit by
// hand; the set and its takes file are left as they are. The copy is the
// set as gridbox reads it, written out (sets.Format): the set file's
// comments and layout are not kept. Problems in either file are listed on
// e.Stdout, one per line as FILE:LINE:COL: message, and nothing is
// written (ErrProblems); missing samples do not matter here. Takes the set
// has no place for any more are listed as warnings and left out. Only a
// regular file is replaced (an error wrapping sets.ErrNotRegular
// otherwise). It returns the merged file's path.
func MergeTakes(e *Env, file string) (string, error) {
	root, err := os.OpenRoot(filepath.Dir(file))
	if err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	defer root.Close()
	fsys, base := root.FS(), filepath.Base(file)
	set, err := sets.Load(fsys, base)
	if set == nil {
		printProblems(e, named(err, file))
		return "", ErrProblems
	}
	takes := sets.TakesPath(file)
	tk, err := sets.LoadTakes(fsys, sets.TakesPath(base))
	if tk == nil {
		if errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("%w beside %s: %s does not exist, so there is nothing to merge", ErrNoTakes, file, takes)
		}
		printProblems(e, named(err, takes))
		return "", ErrProblems
	}
	merged, warnings := sets.Merge(set, tk)
	for _, w := range warnings {
		printProblems(e, named(w, takes))
	}
	out := MergedPath(file)
	text := fmt.Sprintf("# %s with the takes of %s, merged by \"gridbox takes merge\".\n# The set file's comments are not kept.\n\n",
		filepath.Base(file), filepath.Base(takes))
	if err := sets.SaveTakes(out, append([]byte(text), sets.Format(merged)...)); err != nil {
		return "", err
	}
	n := 0
	for _, t := range tk.Tracks {
		n += len(t.Clips) + len(t.Cleared)
	}
	fmt.Fprintf(e.Stdout, "wrote %s: %s with the %s of %s\n", out, filepath.Base(file), spell.Count(n, "take"), filepath.Base(takes))
	return out, nil
}

// named renames the file of a set's errors in err to file, the path the
// user gave.
func named(err error, file string) error {
	var errs sets.Errors
	if errors.As(err, &errs) {
		for _, e := range errs {
			e.File = file
		}
		return errs
	}
	var one *sets.Error
	if errors.As(err, &one) {
		one.File = file
	}
	return err
}
