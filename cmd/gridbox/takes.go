package main

import (
	"errors"
	"fmt"

	"gridbox/show"
)

// cmdTakes runs "gridbox takes merge SET.toml".
func cmdTakes(e *env, args []string) error {
	fs := newFlags(e, "takes", "merge SET.toml",
		"Takes merge folds the takes file beside a set (SET.takes.toml: the clips recorded and\nedited on stage, which gridbox saves there and lays over the set when it loads) into a\ncopy of the set, SET.merged.toml, to edit by hand; the set and its takes are left as they\nare. The copy is the set as gridbox reads it, written out again: the set file's comments\nand layout are not kept. Problems in either file are listed as FILE:LINE:COL: message and\nnothing is written (exit 1); takes for tracks the set no longer has are warnings, left\nout. An existing SET.merged.toml is replaced, atomically, but only if it is a regular file.")
	pos, err := parse(fs, args, 2)
	if err != nil {
		return err
	}
	if pos[0] != "merge" {
		fmt.Fprintf(fs.Output(), "gridbox takes: unknown action %q: the one action is merge\n", pos[0])
		fs.Usage()
		return errUsage
	}
	if _, err := show.MergeTakes(e.show(), pos[1]); err != nil {
		if errors.Is(err, show.ErrProblems) {
			return exitError{1} // the problems are listed
		}
		return err
	}
	return nil
}
