/* Kaleido loads MathJax from a CDN unless given a script: this empty one keeps exports offline (no LaTeX in our charts). */
