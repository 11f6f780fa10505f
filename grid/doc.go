// Package grid is gridbox's controller seam: grids of pads with lights
// (Novation Launchpads, monome grids), pad events in, LED frames out. It
// imports nothing of ours: grid does not know what a clip is.
//
// The drivers and the Controller interface arrive with the controller work
// (issue #3); the package exists now so the import-direction check covers it.
package grid
