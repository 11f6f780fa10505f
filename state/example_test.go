package state_test

import (
	"fmt"
	"os"
	"path/filepath"

	"gridbox/state"
)

func Example() {
	songs, err := os.MkdirTemp("", "songs")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(songs)

	// At start-up, on the goroutine that will own the Store.
	dir, name := state.ForSet(filepath.Join(songs, "live.toml"))
	st, err := state.Open(dir, name, state.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	data, gen, problems, err := st.Load()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range problems {
		fmt.Println(p) // show it; the set still plays
	}
	fmt.Printf("first start: %q, generation %d\n", data, gen)

	// While playing, after a mixer move settles.
	for _, volume := range []string{"-3", "-6"} {
		if err := st.Save([]byte(`{"volume": [` + volume + `, 0]}`)); err != nil {
			fmt.Println(err)
		}
	}

	// The next start.
	data, gen, _, _ = st.Load()
	fmt.Printf("next start: %s, generation %d\n", data, gen)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		fmt.Println(filepath.Join(filepath.Base(dir), e.Name()))
	}
	// Output:
	// first start: "", generation 0
	// next start: {"volume": [-6, 0]}, generation 2
	// .gridbox-state/live.toml.0000000001.state
	// .gridbox-state/live.toml.0000000002.state
}
