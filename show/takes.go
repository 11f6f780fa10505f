package show

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

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
// set. It returns the set to play, the takes file's problems (its text:
// then the set is returned as it was; or its samples: their clips are
// silent) and warnings (takes the set no longer has a place for), and the
// path where this session's takes are to be saved (loaded.Takes).
func readTakes(fsys fs.FS, file, base string, set *sets.Set) (merged *sets.Set, problems, warnings []error, saveTo string) {
	saveTo = sets.TakesPath(file)
	tk, err := sets.LoadTakes(fsys, sets.TakesPath(base))
	if tk == nil && errors.Is(err, fs.ErrNotExist) {
		return set, nil, nil, saveTo
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
		return set, problems, nil, spare
	}
	merged, ws := sets.Merge(set, tk)
	for _, w := range ws {
		if e, ok := w.(*sets.Error); ok {
			e.File = saveTo
		}
		warnings = append(warnings, w)
	}
	return merged, problems, warnings, saveTo
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
