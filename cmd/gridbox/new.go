package main

import (
	"fmt"
	"os"
	"path/filepath"

	"gridbox/show/starter"
)

func cmdNew(e *env, args []string) error {
	fs := newFlags(e, "new", "DIR", "New writes a starter set (set.toml, a performance script and synthesized samples)\ninto DIR, creating it if needed. It never overwrites existing files.")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}
	dir := pos[0]
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := starter.New(dir); err != nil {
		return err
	}
	set := filepath.Join(dir, "set.toml")
	fmt.Fprintf(e.stdout, "wrote a starter set to %s\nplay it:   gridbox play %s --events %s\nrender it: gridbox render %s --events %s -o out.wav\n",
		dir, set, filepath.Join(dir, "set.perf"), set, filepath.Join(dir, "set.perf"))
	return nil
}
