package install

import (
	"slices"
	"strings"
	"testing"

	"gridbox/config"
	"gridbox/web"
)

// TestConfigNamesOnlyTheSet: the default config sets only the set and the
// browser view's token; the other keys of config's schema stay commented
// out, each in its table, so that the defaults apply.
func TestConfigNamesOnlyTheSet(t *testing.T) {
	cfg := string(configText("/home/pi/sets/live.toml", "k7dqz3mh9xwe"))
	var live []string
	table := map[string]string{}
	current := ""
	for _, line := range strings.Split(cfg, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			live = append(live, line)
		}
		if strings.HasPrefix(line, "[") {
			current = line
		}
		if k, _, ok := strings.Cut(strings.TrimPrefix(line, "# "), " = "); ok && strings.HasPrefix(line, "# ") {
			table[k] = current
		}
	}
	want := []string{`set = "/home/pi/sets/live.toml"`, "[audio]", "[controllers]", "[gpio]", "[state]", "[http]", `token = "k7dqz3mh9xwe"`}
	if !slices.Equal(live, want) {
		t.Errorf("config's uncommented lines: %q, want %q", live, want)
	}
	for key, tbl := range map[string]string{
		"device": "[audio]", "rate": "[audio]", "block": "[audio]", "lead": "[audio]",
		"ignore": "[controllers]", "footswitch": "[gpio]", "footswitch_action": "[gpio]", "status_led": "[gpio]",
		"dir": "[state]", "listen": "[http]",
	} {
		if table[key] != tbl {
			t.Errorf("config shows %s in %q, want it in %s", key, table[key], tbl)
		}
	}
	if c, err := config.Parse("config.toml", []byte(cfg)); err != nil || c.HTTP.Token != "k7dqz3mh9xwe" || c.HTTP.Listen != config.DefaultListen {
		t.Errorf("config.Parse(default config): %v, http %+v", err, c)
	}
	if c, err := config.Parse("config.toml", configText("/home/pi/sets/live.toml", web.NewToken())); err != nil || len(c.HTTP.Token) < config.MinTokenLen {
		t.Errorf("a made token does not parse: %v, %+v", err, c)
	}
	if s, ok := configuredSet([]byte(cfg)); !ok || s != "/home/pi/sets/live.toml" {
		t.Errorf("configuredSet(default config) = %q, %v", s, ok)
	}
}

func TestConfiguredSet(t *testing.T) {
	for _, tc := range []struct {
		config, want string
		ok           bool
	}{
		{`set = "/a/b.toml"`, "/a/b.toml", true},
		{`set="/a/b.toml"`, "/a/b.toml", true},
		{"  set = '/a/b.toml'  # mine", "/a/b.toml", true},
		{"# set = \"/x.toml\"\nset = \"/a/b.toml\"", "/a/b.toml", true},
		{"settings = 1\nset = \"/a/b.toml\"", "/a/b.toml", true},
		{"# set = \"/x.toml\"", "", false},
		{"[audio]\nset = \"/a/b.toml\"", "", false},
		{`set = "/a/\u00e9.toml"`, "", false},
		{`set = """/a/b.toml"""`, "", false},
		{`set = "/a/b.toml" x`, "", false},
		{`set = 3`, "", false},
		{`set = "/a/b.toml`, "", false},
		{"", "", false},
	} {
		s, ok := configuredSet([]byte(tc.config))
		if s != tc.want || ok != tc.ok {
			t.Errorf("configuredSet(%q) = %q, %v; want %q, %v", tc.config, s, ok, tc.want, tc.ok)
		}
	}
}
