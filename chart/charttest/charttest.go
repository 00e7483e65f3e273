// Package charttest reads back what package chart drew, for tests.
package charttest

import (
	"image"
	"image/color"
)

// Points counts the 4-connected regions of pixels exactly of colour c. Chart
// draws each point as a disc in a colour nothing else uses, over the grid
// and the lines, so with points apart this is the number of points drawn.
// Anti-aliased edges blend into other colours and are not counted; a missing
// or an extra point changes the count.
func Points(img image.Image, c color.RGBA) int {
	b := img.Bounds()
	seen := make([]bool, b.Dx()*b.Dy())
	index := func(p image.Point) int { return (p.Y-b.Min.Y)*b.Dx() + (p.X - b.Min.X) }
	is := func(p image.Point) bool {
		r, g, bl, a := img.At(p.X, p.Y).RGBA()
		return uint8(r>>8) == c.R && uint8(g>>8) == c.G && uint8(bl>>8) == c.B && uint8(a>>8) == c.A
	}
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			start := image.Pt(x, y)
			if seen[index(start)] || !is(start) {
				continue
			}
			n++
			seen[index(start)] = true
			stack := []image.Point{start}
			for len(stack) > 0 {
				p := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				for _, d := range []image.Point{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
					q := p.Add(d)
					if q.In(b) && !seen[index(q)] && is(q) {
						seen[index(q)] = true
						stack = append(stack, q)
					}
				}
			}
		}
	}
	return n
}
