"""Everything the user sees. The only package that imports rich (and later openpyxl, docx),
always inside the function that needs it, so that start-up stays light."""
