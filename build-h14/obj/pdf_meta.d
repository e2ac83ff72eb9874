build-h14/obj/pdf_meta.o: src/pdf_meta.c src/pdf_meta.h src/pages.h \
 src/image.h src/pdf.h src/fonts.h src/util.h src/pdf_font.h \
 src/ttf_subset.h
src/pdf_meta.h:
src/pages.h:
src/image.h:
src/pdf.h:
src/fonts.h:
src/util.h:
src/pdf_font.h:
src/ttf_subset.h:
