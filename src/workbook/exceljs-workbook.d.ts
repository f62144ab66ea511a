// exceljs's Workbook class by its own module: the package's index also loads its streaming reader and
// writer (unzipper, bluebird, archiver and more, over half its modules), which reading a workbook never uses.
declare module 'exceljs/lib/doc/workbook.js' {
  import type ExcelJS from 'exceljs';

  const Workbook: typeof ExcelJS.Workbook;
  export default Workbook;
}
