// Runs axe-core (WCAG 2.1 A/AA and best practices) in headless Chromium on pages of a
// served site: node axe.js BASE_URL PATH... ; exits 1 if any page has a violation.
const { chromium } = require('playwright-core');
const fs = require('fs');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
  const page = await browser.newPage();
  const base = process.argv[2];
  const paths = process.argv.slice(3);
  let total = 0;
  for (const path of paths) {
    await page.goto(base + path, { waitUntil: 'networkidle' });
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(async () => await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa','best-practice'] } }));
    total += result.violations.length;
    console.log(path, 'violations:', result.violations.length, 'passes:', result.passes.length);
    for (const v of result.violations) console.log('  ', v.id, v.impact, v.help, v.nodes.slice(0,3).map(n => n.target.join(' ')).join(' | '));
  }
  await browser.close();
  process.exit(total ? 1 : 0);
})();
