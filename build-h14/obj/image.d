build-h14/obj/image.o: src/image.c src/image_int.h src/image.h src/util.h
src/image_int.h:
src/image.h:
src/util.h:
