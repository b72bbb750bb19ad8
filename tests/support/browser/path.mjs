// Prints the path of @sparticuz/chromium's headless Chromium, unpacked on first use.
import chromium from "@sparticuz/chromium";

chromium.setGraphicsMode = false;
process.stdout.write(await chromium.executablePath());
