package config

import "gridbox/internal/tomlpos"

// internal/tomlpos finds the positions of keys and values in the text,
// as for set files. A config file is at most 64 KiB, so Parse simply
// records every path.

// A node is a key path in the document, such as audio.rate or
// controllers.ignore[2]. The root node is nil.
type node tomlpos.Node

func (n *node) child(key string) *node { return (*node)(n.tp().Child(key)) }
func (n *node) elem(i int) *node       { return (*node)(n.tp().Elem(i)) }
func (n *node) tp() *tomlpos.Node      { return (*tomlpos.Node)(n) }
