package main

import (
	"errors"
	"fmt"
	"slices"

	"gridbox/internal/spell"
	"gridbox/sets"
	"gridbox/show"
)

func cmdCheck(e *env, args []string) error {
	fs := newFlags(e, "check", "SET.toml",
		"Check reads a set file and decodes every sample it names to its end, and reports every\nproblem at once, one per line as FILE:LINE:COL: message (a sample cut short is one). It\nexits 1 if there is any problem, 0 with a one-line summary if the set is good. Warnings\n(FILE:LINE:COL: warning: ..., such as a sample named as another format) do not change\nthe exit status.")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	l, err := show.Check(e.show(), pos[0])
	if err != nil {
		printProblems(e, err)
		return exitError{1}
	}
	defer l.Close()
	// Problems and warnings in the order of the set's text; warnings alone
	// (a sample that plays but is misnamed) do not fail the check.
	all := slices.Concat(l.Problems, l.Warnings)
	slices.SortStableFunc(all, show.ComparePos)
	for _, p := range all {
		printProblems(e, p)
	}
	if len(l.Problems) > 0 {
		return exitError{1}
	}
	s := l.Set
	mem := show.Megabytes(l.Bytes) + " in memory"
	if l.Streamed > 0 {
		mem += fmt.Sprintf(", %d streamed from disk", l.Streamed)
	}
	fmt.Fprintf(e.stdout, "%s: ok: %q, %s, %s, %s, %s, %s (%.1f s of audio, %s), %s %s\n",
		l.File, s.Name, spell.Count(len(s.Tracks), "track"), spell.Count(len(s.Scenes), "scene"),
		spell.Count(clipCount(s), "clip"), spell.Count(len(s.Instruments), "instrument"), spell.Count(l.Samples, "sample"),
		l.Seconds, mem, show.FormatTempo(s.Tempo), s.TimeSignature)
	return nil
}

// printProblems prints err, one problem per line.
func printProblems(e *env, err error) {
	var errs sets.Errors
	if errors.As(err, &errs) {
		for _, x := range errs {
			fmt.Fprintln(e.stdout, x)
		}
		return
	}
	fmt.Fprintln(e.stdout, err)
}

// clipCount counts the set's clips.
func clipCount(s *sets.Set) int {
	n := 0
	for _, t := range s.Tracks {
		n += len(t.Clips)
	}
	return n
}
