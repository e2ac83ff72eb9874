build-h14/obj/layout.o: src/layout.c src/layout_flow.h src/layout.h \
 src/blocks.h src/pages.h src/image.h src/template.h src/text.h \
 src/fonts.h src/util.h
src/layout_flow.h:
src/layout.h:
src/blocks.h:
src/pages.h:
src/image.h:
src/template.h:
src/text.h:
src/fonts.h:
src/util.h:
