// Formulas: Markdig leaves TeX in <span class="math">\(…\)</span> and <div class="math">\[…\]</div>; KaTeX renders
// them in place. Without the script (or without KaTeX) the TeX source stays readable.
if (window.renderMathInElement) {
  for (const element of document.querySelectorAll(".lesson .math")) {
    window.renderMathInElement(element, {
      delimiters: [
        { left: "\\[", right: "\\]", display: true },
        { left: "\\(", right: "\\)", display: false },
      ],
      throwOnError: false,
    });
  }
}
