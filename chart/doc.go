// Package chart draws hearth's report chart as PNG bytes from plain data. It
// is the only package that imports gonum.org/v1/plot. Package charttest
// counts the points in a rendered chart, for tests.
package chart
