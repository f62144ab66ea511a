/** The council's agenda format for one item or appendix: its stamp and where its page numbers start. */
export interface AgendaFormat {
  /** "Agenda Item 10" at the top right of the first page; omitted when undefined. */
  agendaItem?: number | string;
  /** "Appendix 1" under the item stamp, for an appendix. */
  appendix?: number | string;
  /** The pack page number of this document's first page ("Page 117"); undefined prints no page numbers. */
  firstPage?: number;
  /** An exempt appendix's exemption wording, printed at the top of every page. */
  exemptionNotice?: string;
}

export function stampLines(format: AgendaFormat): string[] {
  return [
    ...(format.agendaItem !== undefined ? [`Agenda Item ${format.agendaItem}`] : []),
    ...(format.appendix !== undefined ? [`Appendix ${format.appendix}`] : []),
  ];
}

export function pageLabel(format: AgendaFormat, pdfPage: number): string | undefined {
  return format.firstPage === undefined ? undefined : `Page ${format.firstPage + pdfPage - 1}`;
}
