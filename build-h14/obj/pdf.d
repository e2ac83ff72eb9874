build-h14/obj/pdf.o: src/pdf.c src/pdf.h src/fonts.h src/pages.h \
 src/image.h src/util.h src/pdf_font.h src/ttf_subset.h src/pdf_meta.h
src/pdf.h:
src/fonts.h:
src/pages.h:
src/image.h:
src/util.h:
src/pdf_font.h:
src/ttf_subset.h:
src/pdf_meta.h:
