package main

import (
	"gridbox/show"
)

func cmdCheck(e *env, args []string) error {
	fs := newFlags(e, "check", "SET.toml",
		"Check reads a set file and decodes every sample it names to its end, and reports every\nproblem at once, one per line as FILE:LINE:COL: message (a sample cut short is one). The\ntakes file beside the set (SET.takes.toml, the clips recorded on stage) is checked too,\nas the set loads with it. It exits 1 if there is any problem, 0 with a one-line summary\nif the set is good. Warnings (FILE:LINE:COL: warning: ..., such as a sample named as\nanother format, or a take for a track the set no longer has) do not change the exit\nstatus.")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if show.Check(e.show(), pos[0]) != nil {
		return exitError{1} // the problems are listed
	}
	return nil
}
