package show

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gridbox/sequencer"
	"gridbox/show/showtest"
	"gridbox/state"
)

// A set switched to from the browser view has its state kept from then
// on, under its own name; the set before keeps its last state.
func TestSaverFollowsASwitchedSet(t *testing.T) {
	a := showtest.ClickSet(t, "")
	b := filepath.Join(filepath.Dir(a), "other.toml")
	text, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	showtest.WriteFile(t, b, string(text))
	var errb strings.Builder
	e := &Env{Stdout: &errb, Stderr: &errb}
	p, err := Open(e, a, "", 48000)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	sv := openState(e, a, "", p)
	p.session.SetMix(0, sequencer.Mix{Volume: 0.5}, 0)
	sv.snapshot(p.session)
	sv.follow(b)
	p.session.SetMix(0, sequencer.Mix{Volume: 0.25}, 0)
	sv.snapshot(p.session) // may find the writer busy: finish hands it over then
	sv.finish(p.session)
	for _, c := range []struct {
		set    string
		volume float32
	}{{a, 0.5}, {b, 0.25}} {
		abs, _ := filepath.Abs(c.set)
		dir, name := storeOf(abs, "")
		st, err := state.Open(dir, name, state.Options{})
		if err != nil {
			t.Fatal(err)
		}
		data, _, _, err := st.Load()
		var ls liveState
		if err != nil || json.Unmarshal(data, &ls) != nil {
			t.Fatalf("%s's state: %v (%q)", c.set, err, data)
		}
		if ls.Set != abs || len(ls.Tracks) != 1 || ls.Tracks[0].Volume != c.volume {
			t.Errorf("%s's state is %+v, want its own path and volume %g", c.set, ls, c.volume)
		}
	}
	if errb.Len() > 0 {
		t.Logf("stderr: %s", errb.String())
	}
}
