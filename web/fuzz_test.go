package web

import (
	"bufio"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gridbox/grid"
)

func FuzzParsePress(f *testing.F) {
	for _, s := range []string{
		`{"e":[[0,0,true,100]],"t":1700000000000}`,
		`{"e":[[8,7,false,0],[-1,-1,1,127],[3,8,0,1]]}`,
		`{"e":[]}`, `{}`, `{"e":null}`, `{"e":[[0,0,true]]}`, `{"e":[[9,0,true,1]]}`,
		`{"e":[[0,0,true,1]],"x":1}`, `{"e":[[0,0,true,1]]}{}`, `null`, `[`, ``,
		`{"c":"k3x9","e":[[0,0,true,1]]}`, `{"c":"","e":[]}`, `{"c":"A","e":[]}`, `{"c":1,"e":[]}`,
		`{"e":[[1e1,0,true,1]]}`, `{"e":[[-0,0,true,1]]}`, `{"e":[[0,0,true,1]],"t":"x"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		id, ps, err := parsePress(body)
		if err != nil {
			return
		}
		if id != "" && !validID(id) {
			t.Fatalf("id %q", id)
		}
		if len(ps) > maxPressBatch {
			t.Fatalf("%d events", len(ps))
		}
		for _, p := range ps {
			if p.b.X < -1 || p.b.X > 8 || p.b.Y < -1 || p.b.Y > 8 || p.vel > 127 {
				t.Fatalf("event %+v out of range", p)
			}
		}
	})
}

func FuzzParseSwitch(f *testing.F) {
	for _, s := range []string{
		`{"set":"a.toml"}`, `{"set":"../a.toml"}`, `{"set":"/etc/passwd"}`, `{"set":"a/b.toml"}`,
		`{"set":"..\\a.toml"}`, `{"set":".toml"}`, `{"set":"a.toml\u0000"}`, `{"set":"%2e%2e"}`,
		`{"set":"..."}`, `{"set":"a.toml","x":1}`, `{"set":1}`, `{}`, `x`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		name, err := parseSwitch(body)
		if err != nil {
			return
		}
		if filepath.Base(name) != name || !filepath.IsLocal(name) || strings.ContainsAny(name, "/\\\x00") ||
			!strings.HasSuffix(name, ".toml") || strings.HasPrefix(name, ".") {
			t.Fatalf("accepted %q", name)
		}
	})
}

// BenchmarkFanOut100 is one LED frame with a change and one status sent to
// 100 clients reading over loopback HTTP. ns/op is the whole machine's
// time, with the writers and the clients' readers (on this machine too);
// publish-ns/op is what the show's goroutines pay in Lights and Status.
// The clients catch up, off the clock, every 16 frames, so that none is
// dropped.
func BenchmarkFanOut100(b *testing.B) {
	s, _ := start(b, Config{})
	for range 100 {
		resp, err := http.Get(s.URL() + "api/events")
		if err != nil {
			b.Fatal(err)
		}
		go func() {
			r := bufio.NewReader(resp.Body)
			for {
				if _, err := r.Discard(4096); err != nil && r.Buffered() == 0 {
					if _, err := r.ReadByte(); err != nil {
						return
					}
				}
			}
		}()
		b.Cleanup(func() { resp.Body.Close() })
	}
	waitFor(b, "100 clients", func() bool { n, _ := s.hub.clientCount(); return n == 100 })
	btn := []grid.Button{{}, {X: 7, Y: 7}, {X: 8, Y: 0}}
	ls := make([]grid.Light, len(btn))
	st := Status{Tempo: 120, Device: "null", Health: "playing", Controllers: []string{"launchpad-x on hw:1"}}
	i := 0
	var publish time.Duration
	for b.Loop() {
		i++
		for j := range ls {
			ls[j] = grid.Light{Color: grid.Color{R: uint8(i), G: uint8(j)}, Mode: grid.Mode(i % 3)}
		}
		st.Bar, st.Beats = i/4, float64(i)
		t0 := time.Now()
		s.Lights(btn, ls)
		s.Status(st)
		publish += time.Since(t0)
		if i%16 == 0 {
			b.StopTimer()
			waitFor(b, "the clients caught up", s.hub.caughtUp)
			b.StartTimer()
		}
	}
	n, _ := s.hub.clientCount()
	b.ReportMetric(float64(n), "clients")
	b.ReportMetric(float64(publish.Nanoseconds())/float64(i), "publish-ns/op")
}
