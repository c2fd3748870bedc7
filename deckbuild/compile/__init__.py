"""Reading a deck and rendering it: source file -> front matter -> slide tree -> reveal.js HTML."""
