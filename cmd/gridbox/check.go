package main

import (
	"gridbox/show"
)

func cmdCheck(e *env, args []string) error {
	fs := newFlags(e, "check", "SET.toml",
		"Check reads a set file and decodes every sample it names to its end, and reports every\nproblem at once, one per line as FILE:LINE:COL: message (a sample cut short is one). It\nexits 1 if there is any problem, 0 with a one-line summary if the set is good. Warnings\n(FILE:LINE:COL: warning: ..., such as a sample named as another format) do not change\nthe exit status.")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	if show.Check(e.show(), pos[0]) != nil {
		return exitError{1} // the problems are listed
	}
	return nil
}
