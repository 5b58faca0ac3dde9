/** Internal (not API): the self-contained HTML evaluation report. */
package dev.imageclassifier.report;
