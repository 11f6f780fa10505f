package config

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"gridbox/internal/tomlpos/tomlpostest"
	"gridbox/sets"
)

// FuzzParse: whatever the input, Parse returns (never panics, never hangs)
// either a Config within every documented range or a non-empty
// sets.Errors of well-formed, sorted problems; and for any document the
// TOML parser accepts, the position scanner finds every key and element.
// The seeds run in plain `go test` (make test): the testdata files, every
// malformed config from the table, deep nesting, a long dotted key, an
// oversized file and unterminated strings.
func FuzzParse(f *testing.F) {
	srcs := []string{
		`set = "abc`, `set = 'abc`, `set = """abc`, `set = '''abc`, `"set = 1`, `[["audio`,
		`a = "\`, `a = """\"""`, `a = ''''''''`, "a = [\"]\"", "a = {b = '}'", "x = [ # ]\n1]",
		"\uFEFFset = \"x\"", "\x00", "set = \"a\"\r\n[audio]\r\nrate = 44100\r\n",
		"[audio]\n[audio.x]\n[[audio.y]]\n[[audio.y]]", "'quoted key'.\"x\\u00e9\" = 1",
		"[controllers]\nignore = [[], {}, [\"x\"], \"y\"]", "controllers = { ignore = [\"a\",\n\"b\",] }",
		"[gpio]\nfootswitch = \"GPIO99999999999999999999\"", "[gpio]\nfootswitch = \"GPIO٣\"",
		"[audio]\ndevice = 9223372036854775807\nrate = -9223372036854775808", "[audio]\nrate = 1e400",
		"[audio]\ninput = \"NONE\"\ninput_channels = 2.0\nlatency_offset = 1e-300", "audio = { input = 0, latency_offset = -0.0 }",
		"set = 'last'\n[state]\ndir = '/'", "[[gpio]]\n[[gpio]]\nfootswitch = 1",
	}
	for _, tt := range malformed {
		srcs = append(srcs, tt.src)
	}
	tomlpostest.Seed(f, MaxFileSize, []string{"testdata/full.toml", "testdata/bad.toml"}, srcs...)

	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := tomlpostest.Parse(t, data, MaxFileSize, sets.MaxDepth, func(data []byte) (*Config, error) {
			return Parse("config.toml", data)
		})
		checkResult(t, data, c, err)
	})
}

// checkResult checks the invariants of what Parse returned for data.
func checkResult(t *testing.T, data []byte, c *Config, err error) {
	t.Helper()
	if (c == nil) == (err == nil) {
		t.Fatalf("Parse returned config %v and error %v; want exactly one", c != nil, err)
	}
	if err != nil {
		var es sets.Errors
		if !errors.As(err, &es) || len(es) == 0 {
			t.Fatalf("Parse error %v (%T) is not a non-empty sets.Errors", err, err)
		}
		lines := 1 + strings.Count(string(data), "\n")
		for i, e := range es {
			if e.File != "config.toml" || e.Msg == "" || e.Pos.Line < 0 || e.Pos.Line > lines || e.Pos.Col < 0 ||
				!strings.HasPrefix(e.Error(), "config.toml:") {
				t.Errorf("malformed error %q at %+v (the file has %d lines)", e.Error(), e.Pos, lines)
			}
			if i > 0 && (e.Pos.Line < es[i-1].Pos.Line || e.Pos.Line == es[i-1].Pos.Line && e.Pos.Col < es[i-1].Pos.Col) {
				t.Errorf("errors not sorted: %q before %q", es[i-1].Error(), e.Error())
			}
		}
		if len(es) > maxReported+1 {
			t.Errorf("%d errors; want at most %d", len(es), maxReported+1)
		}
		return
	}
	a := c.Audio
	if a.Rate < MinRate || a.Rate > MaxRate || a.Block < MinBlock || a.Block > MaxBlock || a.Lead < MinLead || a.Lead > MaxLead {
		t.Errorf("audio out of range: %+v", a)
	}
	if a.InputChannels < 0 || a.InputChannels > MaxInputChannels || a.LatencyOffset < -MaxLatencyOffset || a.LatencyOffset > MaxLatencyOffset ||
		strings.IndexByte(a.Input, 0) >= 0 {
		t.Errorf("input out of range: %+v", a)
	}
	if i, ok := a.DeviceIndex(); ok && (i < 0 || i > 1<<31) || strings.IndexByte(a.Device, 0) >= 0 {
		t.Errorf("bad device %q", a.Device)
	}
	if c.Set == "" || strings.IndexByte(c.Set, 0) >= 0 || len(c.Set) > MaxPathLen+len("config.toml") {
		t.Errorf("bad set %q", c.Set)
	}
	if len(c.Controllers.Ignore) > MaxIgnore {
		t.Errorf("%d ignore entries", len(c.Controllers.Ignore))
	}
	for _, s := range c.Controllers.Ignore {
		if strings.TrimSpace(s) == "" || utf8.RuneCountInString(s) > MaxNameLen {
			t.Errorf("bad ignore entry %q", s)
		}
	}
	g := c.GPIO
	for _, p := range []string{g.Footswitch, g.StatusLED} {
		if p != "" && !slices.Contains(pinNames(), p) {
			t.Errorf("bad pin %q", p)
		}
	}
	if g.Footswitch != "" && g.Footswitch == g.StatusLED {
		t.Errorf("footswitch and status light share %s", g.Footswitch)
	}
	if g.FootswitchAction != StartStop && g.FootswitchAction != Tap {
		t.Errorf("bad action %d", g.FootswitchAction)
	}
}

func pinNames() []string {
	var out []string
	for i := range MaxPin + 1 {
		out = append(out, "GPIO"+strconv.Itoa(i))
	}
	return out
}
