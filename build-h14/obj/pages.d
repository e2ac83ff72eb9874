build-h14/obj/pages.o: src/pages.c src/pages.h src/image.h src/util.h
src/pages.h:
src/image.h:
src/util.h:
