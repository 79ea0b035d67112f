"""Patent navigation (专利导航, GB/T 39551): industry definitions, the landscape analyses of a report, and its
renderings (HTML with interactive charts, XLSX with every table)."""
