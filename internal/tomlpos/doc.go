// Package tomlpos reads TOML documents for packages sets and config and
// finds where things are in them. BurntSushi/toml v1.6.0 records key
// positions internally but does not export them, and keys them by the key
// name without array indices, so the positions of, say, the second
// [[track]]'s third clip's scene are lost; it also has no depth limit. So:
//
//   - Decode checks a document (UTF-8, nesting) before the TOML parser sees
//     it, runs the parser, and words a failure with its position; LastKey
//     and QuotesHint help a caller's Rules.Hint advise on the parser's
//     messages.
//   - A Table is a decoded table a decoder reads its keys from: its getters
//     (Str, Int, Num, Bool, Enum, Tables, Sub) check each value's type and
//     range, Unknown reports keys outside the caller's schema with a
//     suggested spelling, and Require missing ones; what is wrong goes to
//     Problems, worded alike for both kinds of file.
//   - Scan walks a document the parser accepted and records in an Index
//     where key paths and array elements are, by their encoded paths (see
//     Node.Path); Index.Key and Index.Val look them up, falling back to
//     enclosing keys.
//   - Problems collects a decoder's complaints by Node while it decodes, and
//     Resolve puts them in document order once Scan has found positions.
//
// Schemas, error types, sentinels and limits belong to the callers: package
// sets for set files, package config for the config file. This is the only
// package in gridbox that imports BurntSushi/toml.
//
// # Threads
//
// Everything here runs on the control side. Nothing is shared: a Node is
// immutable once made, except that Path caches its result, so a Node is used
// by one goroutine at a time, as are a Table and the Problems it records in.
package tomlpos
