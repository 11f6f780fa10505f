package web

import (
	"bytes"
	"embed"
	"fmt"
	"html"
	"io/fs"
	"mime"
	"path"

	"gridbox/grid"
	"gridbox/grid/virtual"
)

// The page's files: index.html (with the grid written in at start), the
// script and the style sheet. Hand-written, no frameworks.
//
//go:embed page
var pageFS embed.FS

type asset struct {
	typ  string
	data []byte
}

// assets are the files served under /static/, by name; nothing else is.
var assets = func() map[string]asset {
	m := map[string]asset{}
	es, _ := fs.ReadDir(pageFS, "page")
	for _, e := range es {
		if e.IsDir() || e.Name() == "index.html" {
			continue
		}
		data, _ := fs.ReadFile(pageFS, "page/"+e.Name())
		typ := mime.TypeByExtension(path.Ext(e.Name()))
		if typ == "" {
			typ = "application/octet-stream"
		}
		m[e.Name()] = asset{typ, data}
	}
	return m
}()

// indexHTML is page/index.html with the virtual controller's buttons in
// place of {{grid}}.
var indexHTML = func() []byte {
	tpl, _ := fs.ReadFile(pageFS, "page/index.html")
	return bytes.Replace(tpl, []byte("{{grid}}"), gridHTML(), 1)
}()

// shortNames are the labels of the buttons whose names do not fit.
var shortNames = map[string]string{"metronome": "metro", "duplicate": "dup", "quantize": "quant"}

// gridHTML writes the controller as the page lays it out, row by row in a
// CSS grid of 11 columns: the left column (X −1), the pads (0..7), the
// scene column (8) and the scene names; above them the track names and
// the top row (Y −1), below them the bottom row (Y 8). Every button is a
// .pad with data-x, data-y and data-light.
func gridHTML() []byte {
	names := map[grid.Button]string{}
	for _, n := range virtual.Names() {
		b, _ := virtual.Button(n)
		names[b] = n
	}
	has := map[grid.Button]bool{}
	for _, b := range layoutButtons {
		has[b] = true
	}
	var w bytes.Buffer
	// Track names.
	w.WriteString(`<div class="corner"></div>`)
	for x := range 8 {
		fmt.Fprintf(&w, `<div class="track" data-col="%d"></div>`, x)
	}
	w.WriteString(`<div></div><div></div>`)
	for y := -1; y <= 8; y++ {
		for x := -1; x <= 8; x++ {
			b := grid.Button{X: x, Y: y}
			if !has[b] {
				w.WriteString(`<div></div>`)
				continue
			}
			class := "pad"
			switch {
			case x == 8:
				class += " scene"
			case x < 0 || y < 0 || y > 7:
				class += " button"
			}
			fmt.Fprintf(&w, `<div class="%s" data-x="%d" data-y="%d" data-light="off"`, class, x, y)
			if n := names[b]; n != "" {
				label := n
				if short, ok := shortNames[n]; ok {
					label = short
				}
				fmt.Fprintf(&w, ` data-name="%s">%s</div>`, html.EscapeString(n), html.EscapeString(label))
			} else {
				w.WriteString(`></div>`)
			}
		}
		if y >= 0 && y <= 7 {
			fmt.Fprintf(&w, `<div class="scenename" data-row="%d"></div>`, y)
		} else {
			w.WriteString(`<div></div>`)
		}
	}
	return w.Bytes()
}
