package show

import (
	"errors"
	"fmt"
	"slices"

	"gridbox/internal/spell"
	"gridbox/sets"
)

// ErrProblems is Check's error when the set cannot be read or has
// problems; Check has listed them.
var ErrProblems = errors.New("the set has problems")

// Check reads the set at file and decodes every sample it names to its
// end, and reports on e.Stdout every problem at once, one per line as
// FILE:LINE:COL: message, in the order of the set's text, warnings among
// them; then, for a set without problems, a one-line summary. Warnings
// alone (a sample that plays but is misnamed) are no error.
func Check(e *Env, file string) error {
	l, err := checkSet(e, file)
	if err != nil {
		printProblems(e, err)
		return ErrProblems
	}
	defer l.Close()
	// Problems and warnings in the order of the set's text; warnings alone
	// (a sample that plays but is misnamed) do not fail the check.
	all := slices.Concat(l.Problems, l.Warnings)
	sortProblems(all, l.File)
	for _, p := range all {
		printProblems(e, p)
	}
	if len(l.Problems) > 0 {
		return ErrProblems
	}
	s := l.Set
	mem := megabytes(l.Bytes) + " in memory"
	if l.Streamed > 0 {
		mem += fmt.Sprintf(", %d streamed from disk", l.Streamed)
	}
	fmt.Fprintf(e.Stdout, "%s: ok: %q, %s, %s, %s, %s, %s (%.1f s of audio, %s), %s %s\n",
		l.File, s.Name, spell.Count(len(s.Tracks), "track"), spell.Count(len(s.Scenes), "scene"),
		spell.Count(clipCount(s), "clip"), spell.Count(len(s.Instruments), "instrument"), spell.Count(l.Samples, "sample"),
		l.Seconds, mem, formatTempo(s.Tempo), s.TimeSignature)
	return nil
}

// printProblems prints err, one problem per line.
func printProblems(e *Env, err error) {
	var errs sets.Errors
	if errors.As(err, &errs) {
		for _, x := range errs {
			fmt.Fprintln(e.Stdout, x)
		}
		return
	}
	fmt.Fprintln(e.Stdout, err)
}

// clipCount counts the set's clips.
func clipCount(s *sets.Set) int {
	n := 0
	for _, t := range s.Tracks {
		n += len(t.Clips)
	}
	return n
}
