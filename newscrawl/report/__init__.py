"""The run report: one static HTML page (``output/report.html``) from the runs' stats files.

``runs`` reads the stats (and the articles per day from the dataset), ``charts`` draws them
with matplotlib as inline SVG, ``page`` puts the page together. No script, no web font: the
page works offline and in any browser.
"""
