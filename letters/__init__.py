"""Reply letters: templates, PDF rendering, numbering, freezing and the legal audit."""
